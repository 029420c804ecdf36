// Idempotency keys against the embedded SQL database: what a retry gets back, and when it is refused.
import type { SqlStore } from '@donation-ledger/indexer';
import { openScratchStore } from '../../indexer/src/test-support/scratch-store';
import { AccountStore } from './accounts';
import { fingerprintOf, idFromKey, IdempotencyStore, KEEP_ANSWERS_MS, requireKey } from './idempotency';
import { ApiError } from './problems';

const statusOf = async (promise: Promise<unknown>): Promise<number | string> => {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    return err instanceof ApiError ? err.status : String(err);
  }
};

describe('idempotency keys', () => {
  let db: SqlStore;
  let clock: number;
  let store: IdempotencyStore;
  const body = { ngoId: 'ngo-a', amount: '100', currency: 'EUR' };
  const same = fingerprintOf('post', '/api/donations', body);

  beforeAll(async () => {
    db = await openScratchStore();
    await AccountStore.open(db); // applies the migrations, the idempotency table's too
  });
  beforeEach(async () => {
    await db.query('delete from api_idempotency');
    clock = Date.parse('2026-12-03T00:00:00Z');
    store = new IdempotencyStore(db, () => clock);
  });
  afterAll(async () => {
    await db.close();
  });

  test('the first request runs; once answered, a retry with the same key and body gets that answer', async () => {
    expect(await store.claim('ana', 'k1', same)).toEqual({ kind: 'first' });
    await store.keep('ana', 'k1', 201, { record: { id: 'don-1' } });
    expect(await store.claim('ana', 'k1', same)).toEqual({ kind: 'replay', status: 201, body: { record: { id: 'don-1' } } });
  });

  test('the same key with another body is 422, and the kept answer stays', async () => {
    await store.claim('ana', 'k1', same);
    await store.keep('ana', 'k1', 201, { record: { id: 'don-1' } });
    expect(await statusOf(store.claim('ana', 'k1', fingerprintOf('post', '/api/donations', { ...body, amount: '101' })))).toBe(422);
    expect(await store.claim('ana', 'k1', same)).toMatchObject({ kind: 'replay' });
  });

  test('a retry while the first run is going is 409; after five minutes without an answer the first run counts as dead', async () => {
    await store.claim('ana', 'k1', same);
    expect(await statusOf(store.claim('ana', 'k1', same))).toBe(409);
    clock += 5 * 60_000 + 1;
    expect(await store.claim('ana', 'k1', same)).toEqual({ kind: 'first' });
  });

  test('a failed run is forgotten, so the retry runs again', async () => {
    await store.claim('ana', 'k1', same);
    await store.release('ana', 'k1');
    expect(await store.claim('ana', 'k1', same)).toEqual({ kind: 'first' });
  });

  test("keys belong to their user: another user's same key is a request of its own", async () => {
    await store.claim('ana', 'k1', same);
    await store.keep('ana', 'k1', 201, { record: { id: 'don-1' } });
    expect(await store.claim('ben', 'k1', same)).toEqual({ kind: 'first' });
    expect(idFromKey('don', 'ana', 'k1')).not.toBe(idFromKey('don', 'ben', 'k1'));
    expect(idFromKey('don', 'ana', 'k1')).toBe(idFromKey('don', 'ana', 'k1'));
  });

  test('answers are kept a day, then forgotten', async () => {
    await store.claim('ana', 'k1', same);
    await store.keep('ana', 'k1', 201, {});
    clock += KEEP_ANSWERS_MS + 1;
    expect(await store.expire()).toBe(1);
    expect(await store.claim('ana', 'k1', same)).toEqual({ kind: 'first' });
  });

  test.each([[''], ['x'.repeat(256)], ['caf\u00e9']])('a key that is not 1-255 printable ASCII characters (%j) is 400', (key) => {
    expect(() => requireKey(key)).toThrow(ApiError);
    expect(requireKey('3f0c2a9e-1b7d-4c1e-9f3a-2d6b8e7c5a10')).toBe('3f0c2a9e-1b7d-4c1e-9f3a-2d6b8e7c5a10');
    expect(requireKey(undefined)).toBeUndefined();
  });
});
