// Who may write what, decided by the caller's certificate: every write transaction against
// every kind of caller. Allowed calls succeed; refused ones are FORBIDDEN and change nothing.
import { LedgerClient } from '@donation-ledger/client';
import { connectAs, ensureNgo, openWindow, outcome, uniqueId } from './harness';

type Caller = 'donor' | 'staff of NGO A' | 'staff of NGO B' | 'NGO org admin' | 'NGO admin role' | 'donor platform admin';
const CALLERS: Record<Caller, [org: string, user: string]> = {
  donor: ['donorplatform', 'donor1'],
  'staff of NGO A': ['ngo', 'staff1'],
  'staff of NGO B': ['ngo', 'staff2'],
  'NGO org admin': ['ngo', 'orgadmin'],
  'NGO admin role': ['ngo', 'ngoadmin1'],
  'donor platform admin': ['donorplatform', 'orgadmin'],
};
const NGO_A = 'ngo-1';

type Write = (client: LedgerClient) => Promise<unknown>;
const WRITES: Record<string, { write: Write; allowed: Caller[] }> = {
  RegisterNgo: { write: (c) => c.registerNgo({ id: uniqueId('ngo'), name: 'Matrix' }), allowed: ['NGO org admin', 'NGO admin role'] },
  SetNgoStatus: { write: (c) => c.setNgoStatus(NGO_A, 'active'), allowed: [] /* filled below: allowed callers get CONFLICT (already active) */ },
  CreateCampaign: {
    write: (c) => c.createCampaign({ id: uniqueId('camp'), ngoId: NGO_A, name: 'M', goal: 1, currency: 'EUR', ...openWindow() }),
    allowed: ['staff of NGO A', 'NGO org admin', 'NGO admin role'],
  },
  Donate: { write: (c) => c.donate({ id: uniqueId('don'), ngoId: NGO_A, amount: 1, currency: 'EUR' }), allowed: ['donor'] },
  RecordSpend: {
    write: (c) => c.recordSpend({ id: uniqueId('sp'), ngoId: NGO_A, amount: 1, currency: 'EUR', description: 'Matrix', category: 'test' }),
    allowed: ['staff of NGO A'],
  },
  RateNgo: { write: (c) => c.rateNgo(NGO_A, 4), allowed: ['donor'] },
  SetMyDetails: { write: (c) => c.setMyDetails({ name: 'M', email: 'm@example.org' }), allowed: ['donor'] },
};

describe('access control matrix', () => {
  const clients = new Map<Caller, LedgerClient>();

  beforeAll(async () => {
    for (const [caller, [org, user]] of Object.entries(CALLERS)) clients.set(caller as Caller, await connectAs(org, user));
    const admin = clients.get('NGO admin role') as LedgerClient;
    await ensureNgo(admin, NGO_A);
    // Money for the allowed spend, and a donation so that the donor may rate.
    await (clients.get('donor') as LedgerClient).donate({ id: uniqueId('don'), ngoId: NGO_A, amount: 1000, currency: 'EUR' });
  });

  afterAll(() => {
    for (const client of clients.values()) client.close();
  });

  const cases = Object.entries(WRITES).flatMap(([tx, { allowed }]) =>
    (Object.keys(CALLERS) as Caller[]).map((caller) => [tx, caller, allowed.includes(caller) || (tx === 'SetNgoStatus' && caller.startsWith('NGO ') && caller.includes('admin'))] as const),
  );

  test.each(cases)('%s by %s: allowed=%p', async (tx, caller, allowed) => {
    const spec = WRITES[tx];
    const client = clients.get(caller);
    if (!spec || !client) throw new Error('bad test case');
    const result = await outcome(spec.write(client));
    if (!allowed) expect(result).toBe('FORBIDDEN');
    // SetNgoStatus to the status it already has is refused by the rules, after the access check.
    else expect(result).toBe(tx === 'SetNgoStatus' ? 'CONFLICT' : 'OK');
  });
});
