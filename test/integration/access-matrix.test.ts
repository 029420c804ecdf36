// Who may write what, decided by the caller's certificate: every write transaction against
// every kind of caller. Allowed calls succeed; refused ones are FORBIDDEN and change nothing.
import { LedgerClient } from '@donation-ledger/client';
import { connectAs, ensureNgo, give, openWindow, outcome, settle, uniqueId } from './harness';

type Caller = 'donor' | 'staff of NGO A' | 'staff of NGO B' | 'NGO org admin' | 'NGO admin role' | 'donor platform admin' | 'payment service';
const CALLERS: Record<Caller, [org: string, user: string]> = {
  donor: ['donorplatform', 'donor1'],
  'staff of NGO A': ['ngo', 'staff1'],
  'staff of NGO B': ['ngo', 'staff2'],
  'NGO org admin': ['ngo', 'orgadmin'],
  'NGO admin role': ['ngo', 'ngoadmin1'],
  'donor platform admin': ['donorplatform', 'orgadmin'],
  'payment service': ['donorplatform', 'payments1'],
};
const NGO_A = 'ngo-1';

const clients = new Map<Caller, LedgerClient>();
const as = (caller: Caller): LedgerClient => clients.get(caller) as LedgerClient;
/** A fresh pledge of the donor, and a fresh settled donation: what the writes on donations act on. */
const pledge = async (): Promise<string> => (await as('donor').donate({ id: uniqueId('don'), ngoId: NGO_A, amount: 10, currency: 'EUR' })).result.id;
const settled = async (): Promise<string> => (await give(as('donor'), as('payment service'), { id: uniqueId('don'), ngoId: NGO_A, amount: 10, currency: 'EUR' })).id;

/** A write by `client`; `target` is what `prepare` made for it (outside the access check). */
type Write = (client: LedgerClient, target: string) => Promise<unknown>;
const WRITES: Record<string, { write: Write; allowed: Caller[]; prepare?: () => Promise<string> }> = {
  RegisterNgo: { write: (c) => c.registerNgo({ id: uniqueId('ngo'), name: 'Matrix' }), allowed: ['NGO org admin', 'NGO admin role'] },
  SetNgoStatus: { write: (c) => c.setNgoStatus(NGO_A, 'active'), allowed: [] /* filled below: allowed callers get CONFLICT (already active) */ },
  CreateCampaign: {
    write: (c) => c.createCampaign({ id: uniqueId('camp'), ngoId: NGO_A, name: 'M', goal: 1, currency: 'EUR', ...openWindow() }),
    allowed: ['staff of NGO A', 'NGO org admin', 'NGO admin role'],
  },
  Donate: { write: (c) => c.donate({ id: uniqueId('don'), ngoId: NGO_A, amount: 1, currency: 'EUR' }), allowed: ['donor'] },
  SettleDonations: { prepare: pledge, write: (c, id) => settle(c, [id]), allowed: ['payment service'] },
  // The donor in this matrix is the one who pledged.
  CancelPledge: { prepare: pledge, write: (c, id) => c.cancelPledge(id), allowed: ['donor', 'payment service'] },
  RefundDonation: { prepare: settled, write: (c, id) => c.refundDonation({ donationId: id, paymentRef: uniqueId('refund') }), allowed: ['payment service'] },
  RecordSpend: {
    write: (c) => c.recordSpend({ id: uniqueId('sp'), ngoId: NGO_A, amount: 1, currency: 'EUR', description: 'Matrix', category: 'test' }),
    allowed: ['staff of NGO A'],
  },
  RateNgo: { write: (c) => c.rateNgo(NGO_A, 4), allowed: ['donor'] },
  SetMyDetails: { write: (c) => c.setMyDetails({ name: 'M', email: 'm@example.org' }), allowed: ['donor'] },
};

describe('access control matrix', () => {
  beforeAll(async () => {
    for (const [caller, [org, user]] of Object.entries(CALLERS)) clients.set(caller as Caller, await connectAs(org, user));
    const admin = clients.get('NGO admin role') as LedgerClient;
    await ensureNgo(admin, NGO_A);
    // Money for the allowed spend, and a settled donation so that the donor may rate.
    await give(as('donor'), as('payment service'), { id: uniqueId('don'), ngoId: NGO_A, amount: 1000, currency: 'EUR' });
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
    const target = spec.prepare ? await spec.prepare() : '';
    const before = target ? await as('donor').readDonation(target) : undefined;
    const result = await outcome(spec.write(client, target));
    if (!allowed) {
      expect(result).toBe('FORBIDDEN');
      if (before) expect(await as('donor').readDonation(target)).toEqual(before);
    }
    // SetNgoStatus to the status it already has is refused by the rules, after the access check.
    else expect(result).toBe(tx === 'SetNgoStatus' ? 'CONFLICT' : 'OK');
  });
});
