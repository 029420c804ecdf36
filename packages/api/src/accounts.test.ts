import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, SqlStore } from '@donation-ledger/indexer';
import { Account, AccountStore, hashPassword, migrate, verifyPassword } from './accounts';

describe('accounts in the SQL database', () => {
  let dir: string;
  let db: SqlStore;
  const account = (username: string): Account => ({
    username, role: 'ngo-staff', ngoId: 'ngo-a', walletLabel: `api-ngo-x-${username}`, passwordHash: 'scrypt$1$1$1$AA==$AA==', createdAt: '2026-12-02T00:00:00.000Z',
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accounts-'));
    db = await openStore({ kind: 'embedded', dir });
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the schema is migrated once, and opening again applies nothing twice', async () => {
    await AccountStore.open(db);
    await migrate(db);
    expect(await db.query('select id from api_migrations')).toEqual([{ id: '001-accounts' }]);
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

  test('a password verifies against its hash and no other', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterx', hash)).toBe(false);
  });
});
