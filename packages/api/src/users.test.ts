import { CertificateAuthority, ConnectOptions, LedgerClient, memoryWallet } from '@donation-ledger/client';
import { Account } from './accounts';
import { Accounts, UserDirectory } from './users';

describe("users' ledger connections", () => {
  const account = (username: string): Account => ({
    username, role: 'donor', walletLabel: `api-x-${username}`, passwordHash: 'unused', createdAt: '2026-12-02T00:00:00.000Z',
  });
  const ana = account('ana');
  const bo = account('bo');

  async function directory(): Promise<{ users: UserDirectory; opened: { username: string; closed: boolean }[]; clock: { now: number } }> {
    const wallet = memoryWallet();
    for (const a of [ana, bo]) await wallet.put(a.walletLabel, { mspId: 'DonorPlatformMSP', certificate: a.username, privateKey: 'KEY' });
    const opened: { username: string; closed: boolean }[] = [];
    const connector = (options: ConnectOptions): Promise<LedgerClient> => {
      const record = { username: (options.identity as { certificate: string }).certificate, closed: false };
      opened.push(record);
      return Promise.resolve({ close: () => void (record.closed = true) } as unknown as LedgerClient);
    };
    const accounts: Accounts = { get: () => Promise.resolve(undefined), has: () => Promise.resolve(false), add: () => Promise.resolve(true), setPasswordHash: () => Promise.resolve() };
    const clock = { now: 0 };
    const users = new UserDirectory(accounts, wallet, {} as CertificateAuthority, { mspId: 'DonorPlatformMSP', certificate: '', privateKey: '' },
      { mspId: 'DonorPlatformMSP', gateways: [], channel: 'donations', chaincode: 'donations' }, connector, 'api-x-', { idleMs: 10_000, now: () => clock.now });
    return { users, opened, clock };
  }

  test('one connection per user, reused by each of their requests', async () => {
    const { users, opened } = await directory();
    const first = await users.ledgerFor(ana);
    expect(await users.ledgerFor(ana)).toBe(first);
    await users.ledgerFor(bo);
    expect(opened.map((o) => o.username)).toEqual(['ana', 'bo']);
  });

  test('a connection no request used for the idle time is closed, and the next request opens a new one', async () => {
    const { users, opened, clock } = await directory();
    await users.ledgerFor(ana);
    await users.ledgerFor(bo);
    clock.now = 8_000;
    await users.ledgerFor(bo); // bo is active, ana is not
    clock.now = 12_000;
    expect(users.evictIdle()).toBe(1);
    await Promise.resolve(); // the close runs once the client promise settles
    expect(opened).toEqual([{ username: 'ana', closed: true }, { username: 'bo', closed: false }]);
    await users.ledgerFor(ana);
    expect(opened.map((o) => o.username)).toEqual(['ana', 'bo', 'ana']);
    await users.close();
    expect(opened.every((o) => o.closed)).toBe(true);
  });
});
