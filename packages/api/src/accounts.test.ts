import type { SqlStore } from '@donation-ledger/indexer';
import { openScratchStore } from '../../indexer/src/test-support/scratch-store';
import { scryptSync } from 'node:crypto';
import { Account, AccountStore, hashPassword, migrate, needsRehash, verifyPassword } from './accounts';

describe('accounts in the SQL database', () => {
  let db: SqlStore;
  const account = (username: string): Account => ({
    username, role: 'ngo-staff', ngoId: 'ngo-a', walletLabel: `api-ngo-x-${username}`, passwordHash: 'scrypt$1$1$1$AA==$AA==', createdAt: '2026-12-02T00:00:00.000Z',
  });

  beforeAll(async () => {
    db = await openScratchStore();
  });
  afterAll(async () => {
    await db.close();
  });

  test('the schema is migrated once, and opening again applies nothing twice', async () => {
    await AccountStore.open(db);
    await migrate(db);
    expect(await db.query('select id from api_migrations order by id')).toEqual([{ id: '001-accounts' }, { id: '002-idempotency-keys' }]);
  });

  test('an account is stored once: a second one with the same username is refused', async () => {
    const store = await AccountStore.open(db);
    expect(await store.add(account('ana'))).toBe(true);
    expect(await store.add({ ...account('ana'), role: 'donor' })).toBe(false);
    expect(await store.get('ana')).toEqual(account('ana'));
    expect(await store.has('ana')).toBe(true);
    expect(await store.get('nobody')).toBeUndefined();
  });

  test("the wallet keeps each user's identity by label", async () => {
    const wallet = (await AccountStore.open(db)).wallet();
    await wallet.put('api-ngo-x-ana', { mspId: 'NgoMSP', certificate: 'CERT', privateKey: 'KEY' });
    await wallet.put('api-ngo-x-ana', { mspId: 'NgoMSP', certificate: 'CERT2', privateKey: 'KEY2' }); // a re-enrollment replaces it
    expect(await wallet.get('api-ngo-x-ana')).toEqual({ mspId: 'NgoMSP', certificate: 'CERT2', privateKey: 'KEY2' });
    expect(await wallet.list()).toEqual(['api-ngo-x-ana']);
    await wallet.remove('api-ngo-x-ana');
    expect(await wallet.get('api-ngo-x-ana')).toBeUndefined();
  });

  test('a shared secret is made by the first caller and the same for every later one', async () => {
    const first = await (await AccountStore.open(db)).sharedSecret('token-key', 32);
    const again = await (await AccountStore.open(db)).sharedSecret('token-key', 32);
    expect(first).toHaveLength(32);
    expect(again.equals(first)).toBe(true);
  });

  test("a password is hashed with scrypt at OWASP's minimum (N=2^17, r=8, p=1) and verifies against its hash and no other", async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(hash)).toBe(false);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterx', hash)).toBe(false);
    // Three hashes at 128 MiB each: well under a second apiece on an idle machine, far more on a
    // busy one (the cost is the point of the test).
  }, 30_000);

  test('a hash made with the earlier, weaker parameters still verifies and is marked for a rehash', async () => {
    const salt = Buffer.alloc(16, 1);
    const weak = `scrypt$32768$8$1$${salt.toString('base64')}$${scryptSync('old password 1', salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString('base64')}`;
    expect(await verifyPassword('old password 1', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
  });

  test('a rehash replaces the stored hash', async () => {
    const store = await AccountStore.open(db);
    await store.add(account('rehash'));
    await store.setPasswordHash('rehash', 'scrypt$131072$8$1$AA==$AA==');
    expect((await store.get('rehash'))?.passwordHash).toBe('scrypt$131072$8$1$AA==$AA==');
  });
});
