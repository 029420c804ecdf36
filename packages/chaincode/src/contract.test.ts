// The rules of money, against the in-memory ledger: who may move it, what is refused, and where
// each spend's money comes from. No network: a broken rule fails here in seconds.
import { DONOR_PLATFORM_MSP, MAX_SETTLEMENT_BATCH, NGO_MSP, PLEDGE_LIFETIME_MS, Role } from '@donation-ledger/model';
import { codeOf, FakeIdentity, FakeLedger } from './test-support/fake-context';
import { DonationContract } from './contract';
import { AllocationRecord, Donation, Page, Refund, Revision, SettlementBatch, Spend } from './records';

const contract = new DonationContract();
const ngoAdmin: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoAdmin, name: 'ngoadmin1' };
const staffA: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoStaff, ngoId: 'ngo-a', name: 'staff-a' };
const staffB: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoStaff, ngoId: 'ngo-b', name: 'staff-b' };
const donor1: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Donor, name: 'donor1' };
const donor2: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Donor, name: 'donor2' };
const impostor: FakeIdentity = { mspId: NGO_MSP, role: Role.Donor, name: 'impostor' };
const payments: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Payments, name: 'payments1' };
const fakePayments: FakeIdentity = { mspId: NGO_MSP, role: Role.Payments, name: 'payments-ngo' };

let ledger: FakeLedger;
/** A pledge: not money until settled. */
const donate = (by: FakeIdentity, request: Record<string, unknown>): Promise<Donation> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.Donate(ctx, JSON.stringify(request))) as Donation);
const settle = (batchId: string, donationIds: string[], by = payments): Promise<SettlementBatch> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.SettleDonations(ctx, JSON.stringify({
    batchId, settlements: donationIds.map((donationId) => ({ donationId, paymentRef: `psp-${donationId}` })),
  }))) as SettlementBatch);
/** A pledge whose money arrived: pledged, then settled in a batch of its own. */
const give = async (by: FakeIdentity, request: Record<string, unknown> & { id: string }): Promise<Donation> => {
  await donate(by, request);
  await settle(`batch-${request.id}`, [request.id]);
  return readDonation(request.id);
};
const refund = (request: Record<string, unknown>, by = payments): Promise<Refund> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.RefundDonation(ctx, JSON.stringify({ paymentRef: 'psp-refund', ...request }))) as Refund);
const spend = (by: FakeIdentity, request: Record<string, unknown>): Promise<Spend> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.RecordSpend(ctx, JSON.stringify({ description: 'Pump', category: 'equipment', ...request }))) as Spend);
const readDonation = (id: string): Promise<Donation> => ledger.evaluate(donor1, async (ctx) => JSON.parse(await contract.ReadDonation(ctx, id)) as Donation);
const balance = (ngoId: string): Promise<{ balances: { campaignId: string; currency: string; unspent: string }[] }> =>
  ledger.evaluate(staffA, async (ctx) => JSON.parse(await contract.ReadBalance(ctx, ngoId)) as { balances: { campaignId: string; currency: string; unspent: string }[] });

beforeEach(async () => {
  ledger = new FakeLedger();
  for (const id of ['ngo-a', 'ngo-b']) await ledger.submit(ngoAdmin, (ctx) => contract.RegisterNgo(ctx, JSON.stringify({ id, name: `NGO ${id}` })));
});

describe('donations', () => {
  test('a donor gives whole minor units to an active NGO; once settled the donation is all unspent and names the donor by a key, not a name', async () => {
    const gift = await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '2500', currency: 'EUR' });
    expect(gift).toMatchObject({ status: 'settled', amount: '2500', remaining: '2500', currency: 'EUR', donor: { mspId: 'DonorPlatformMSP' } });
    expect(JSON.stringify(gift)).not.toContain('donor1');
    expect((await balance('ngo-a')).balances).toEqual([{ campaignId: '', currency: 'EUR', unspent: '2500' }]);
  });

  test.each([
    ['zero', '0'], ['negative', '-5'], ['fractional', '12.5'], ['a JSON number, not a string of digits', 12.5], ['beyond the cap', '1000000000000001'], ['not a number', 'ten'],
  ])('an amount that is %s is INVALID_ARGUMENT and writes nothing', async (_what, amount) => {
    expect(await codeOf(donate(donor1, { id: 'd-bad', ngoId: 'ngo-a', amount, currency: 'EUR' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(readDonation('d-bad'))).toBe('NOT_FOUND');
  });

  test('an unknown currency or field is INVALID_ARGUMENT; an unknown NGO NOT_FOUND; the same ID twice ALREADY_EXISTS', async () => {
    expect(await codeOf(donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'XXX' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR', bonus: true }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(donate(donor1, { id: 'd1', ngoId: 'ngo-x', amount: '1', currency: 'EUR' }))).toBe('NOT_FOUND');
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' });
    expect(await codeOf(donate(donor2, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' }))).toBe('ALREADY_EXISTS');
    expect((await readDonation('d1')).amount).toBe('1');
  });

  test('only donors of the donor platform may donate: staff and a "donor" of another org are FORBIDDEN', async () => {
    expect(await codeOf(donate(staffA, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' }))).toBe('FORBIDDEN');
    expect(await codeOf(donate(impostor, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' }))).toBe('FORBIDDEN');
  });

  test('a suspended NGO receives nothing until it is active again', async () => {
    await ledger.submit(ngoAdmin, (ctx) => contract.SetNgoStatus(ctx, 'ngo-a', 'suspended'));
    expect(await codeOf(donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' }))).toBe('CONFLICT');
    await ledger.submit(ngoAdmin, (ctx) => contract.SetNgoStatus(ctx, 'ngo-a', 'active'));
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' });
  });
});

describe('campaigns', () => {
  const open = async (overrides: Record<string, unknown> = {}): Promise<void> => {
    const now = ledger.now;
    await ledger.submit(staffA, (ctx) => contract.CreateCampaign(ctx, JSON.stringify({
      id: 'c1', ngoId: 'ngo-a', name: 'Wells', goal: '100000', currency: 'EUR',
      opensAt: new Date(now - 3_600_000).toISOString(), closesAt: new Date(now + 86_400_000).toISOString(), ...overrides,
    })));
  };

  test("a campaign's donations are its own pool: only spends against it use them", async () => {
    await open();
    await give(donor1, { id: 'd-camp', ngoId: 'ngo-a', campaignId: 'c1', amount: '1000', currency: 'EUR' });
    expect(await codeOf(spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '500', currency: 'EUR' }))).toBe('INSUFFICIENT_FUNDS');
    const paid = await spend(staffA, { id: 's1', ngoId: 'ngo-a', campaignId: 'c1', amount: '500', currency: 'EUR' });
    expect(paid.allocations).toEqual([{ donationId: 'd-camp', amount: '500' }]);
    expect((await balance('ngo-a')).balances).toEqual([{ campaignId: 'c1', currency: 'EUR', unspent: '500' }]);
  });

  test('a closed campaign, or one in another currency, takes no donation', async () => {
    await open();
    expect(await codeOf(donate(donor1, { id: 'd1', ngoId: 'ngo-a', campaignId: 'c1', amount: '1', currency: 'USD' }))).toBe('INVALID_ARGUMENT');
    ledger.advanceHours(25);
    expect(await codeOf(donate(donor1, { id: 'd1', ngoId: 'ngo-a', campaignId: 'c1', amount: '1', currency: 'EUR' }))).toBe('CONFLICT');
  });
});

describe('spends and their allocation', () => {
  test('a spend is paid by the oldest settled money first, splitting the last one; balances follow', async () => {
    await give(donor1, { id: 'd-old', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    ledger.advanceHours(1);
    await give(donor2, { id: 'd-mid', ngoId: 'ngo-a', amount: '500', currency: 'EUR' });
    ledger.advanceHours(1);
    await give(donor1, { id: 'd-new', ngoId: 'ngo-a', amount: '1000', currency: 'EUR' });

    const paid = await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '600', currency: 'EUR' });
    expect(paid.allocations).toEqual([{ donationId: 'd-old', amount: '300' }, { donationId: 'd-mid', amount: '300' }]);
    expect((await readDonation('d-old')).remaining).toBe('0');
    expect((await readDonation('d-mid')).remaining).toBe('200');
    expect((await readDonation('d-new')).remaining).toBe('1000');
    expect((await balance('ngo-a')).balances).toEqual([{ campaignId: '', currency: 'EUR', unspent: '1200' }]);

    const where = await ledger.evaluate(donor2, async (ctx) => JSON.parse(await contract.ListAllocationsByDonation(ctx, 'd-mid', '', '')) as Page<AllocationRecord & { spend: Spend }>);
    expect(where.records.map((a) => [a.spendId, a.amount])).toEqual([['s1', '300']]);
  });

  test('a spend beyond the unspent money of its pool and currency is INSUFFICIENT_FUNDS and moves nothing', async () => {
    await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    await give(donor1, { id: 'd2', ngoId: 'ngo-a', amount: '300', currency: 'USD' });
    expect(await codeOf(spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '301', currency: 'EUR' }))).toBe('INSUFFICIENT_FUNDS');
    expect((await readDonation('d1')).remaining).toBe('300');
    expect(await codeOf(ledger.evaluate(staffA, (ctx) => contract.ReadSpend(ctx, 's1')))).toBe('NOT_FOUND');
  });

  test("only the NGO's own staff record its spends; another NGO's staff and donors are FORBIDDEN", async () => {
    await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    expect(await codeOf(spend(staffB, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('FORBIDDEN');
    expect(await codeOf(spend(donor1, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('FORBIDDEN');
    expect(await codeOf(spend(ngoAdmin, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('FORBIDDEN');
    expect((await readDonation('d1')).remaining).toBe('300');
  });

  test("money given to one NGO never pays another's spend", async () => {
    await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    expect(await codeOf(spend(staffB, { id: 's1', ngoId: 'ngo-b', amount: '100', currency: 'EUR' }))).toBe('INSUFFICIENT_FUNDS');
  });

  test('the same spend ID twice is ALREADY_EXISTS and allocates nothing more', async () => {
    await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' });
    expect(await codeOf(spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('ALREADY_EXISTS');
    expect((await readDonation('d1')).remaining).toBe('200');
  });
});

describe('ratings', () => {
  test('a donor rates only an NGO they gave to, from 1 to 5', async () => {
    expect(await codeOf(ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '5')))).toBe('FORBIDDEN');
    await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' });
    expect(await codeOf(ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '6')))).toBe('INVALID_ARGUMENT');
    await ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '5'));
    expect(await codeOf(ledger.submit(donor2, (ctx) => contract.RateNgo(ctx, 'ngo-a', '1')))).toBe('FORBIDDEN');
  });
});

describe('pledges and their settlement', () => {
  const history = (id: string): Promise<Revision[]> => ledger.evaluate(donor1, async (ctx) => JSON.parse(await contract.GetHistory(ctx, 'donation', id)) as Revision[]);

  test('a pledge is not money: it pays for no spend, counts in no balance and lets its donor rate nothing until it is settled', async () => {
    const pledge = await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '500', currency: 'EUR' });
    expect(pledge).toMatchObject({ status: 'pledged', remaining: '0', settledAt: '', expiresAt: new Date(ledger.now + PLEDGE_LIFETIME_MS).toISOString() });
    expect((await balance('ngo-a')).balances).toEqual([]);
    expect(await codeOf(spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' }))).toBe('INSUFFICIENT_FUNDS');
    expect(await codeOf(ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '5')))).toBe('FORBIDDEN');

    await settle('b1', ['d1']);
    expect(await readDonation('d1')).toMatchObject({ status: 'settled', remaining: '500', settlementBatchId: 'b1', paymentRef: 'psp-d1' });
    expect((await balance('ngo-a')).balances).toEqual([{ campaignId: '', currency: 'EUR', unspent: '500' }]);
    await ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '5'));
  });

  test('one batch settles many pledges in one transaction; each donation keeps its own record and history', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `d${i}`);
    for (const id of ids) await donate(i2donor(id), { id, ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    const batch = await settle('b1', ids);
    expect(batch.settlements).toHaveLength(30);
    expect(batch.settlements[0]).toEqual({ donationId: 'd0', paymentRef: 'psp-d0', amount: '10', currency: 'EUR' });
    expect(ledger.events.at(-1)?.name).toBe('DonationsSettled');
    expect((await history('d7')).map((r) => (r.value as Donation).status)).toEqual(['pledged', 'settled']);
    expect((await balance('ngo-a')).balances).toEqual([{ campaignId: '', currency: 'EUR', unspent: '300' }]);
  });

  test('a batch sent again returns the first answer and writes nothing; other entries under its ID are ALREADY_EXISTS', async () => {
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    await donate(donor1, { id: 'd2', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    const first = await settle('b1', ['d1']);
    const events = ledger.events.length;
    expect(await settle('b1', ['d1'])).toEqual(first);
    expect(ledger.events).toHaveLength(events);
    expect(await codeOf(settle('b1', ['d2']))).toBe('ALREADY_EXISTS');
    expect((await readDonation('d2')).status).toBe('pledged');
    expect((await history('d1')).length).toBe(2);
  });

  test.each([
    ['an unknown donation', ['d-good', 'd-none'], 'NOT_FOUND'],
    ['a donation already settled', ['d-good', 'd-settled'], 'CONFLICT'],
    ['a cancelled pledge', ['d-good', 'd-cancelled'], 'CONFLICT'],
    ['an expired pledge', ['d-good', 'd-expired'], 'EXPIRED'],
    ['the same donation twice', ['d-good', 'd-good'], 'INVALID_ARGUMENT'],
  ])('a batch naming %s is refused whole: the good entry stays pledged', async (_what, ids, code) => {
    await donate(donor1, { id: 'd-expired', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    ledger.advanceHours(PLEDGE_LIFETIME_MS / 3_600_000 + 1);
    await give(donor1, { id: 'd-settled', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    await donate(donor1, { id: 'd-cancelled', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    await ledger.submit(donor1, (ctx) => contract.CancelPledge(ctx, 'd-cancelled'));
    await donate(donor1, { id: 'd-good', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });

    expect(await codeOf(settle('b-bad', ids))).toBe(code);
    expect((await readDonation('d-good')).status).toBe('pledged');
    expect(await codeOf(ledger.evaluate(payments, (ctx) => contract.ReadSettlement(ctx, 'b-bad')))).toBe('NOT_FOUND');
  });

  test(`a batch holds 1 to ${MAX_SETTLEMENT_BATCH} entries, each {donationId, paymentRef}`, async () => {
    const tooMany = Array.from({ length: MAX_SETTLEMENT_BATCH + 1 }, (_, i) => `d${i}`);
    expect(await codeOf(settle('b1', tooMany))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(settle('b1', []))).toBe('INVALID_ARGUMENT');
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    const noRef = JSON.stringify({ batchId: 'b1', settlements: [{ donationId: 'd1' }] });
    expect(await codeOf(ledger.submit(payments, (ctx) => contract.SettleDonations(ctx, noRef)))).toBe('INVALID_ARGUMENT');
  });

  test("only the donor platform's payment service settles: donors, NGO staff and another org's payments role are FORBIDDEN", async () => {
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    for (const who of [donor1, staffA, ngoAdmin, fakePayments]) expect(await codeOf(settle('b1', ['d1'], who))).toBe('FORBIDDEN');
    expect((await readDonation('d1')).status).toBe('pledged');
  });

  test('the donor who pledged, or the payment service, cancels a pledge; nobody cancels settled money', async () => {
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    await donate(donor1, { id: 'd2', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    expect(await codeOf(ledger.submit(donor2, (ctx) => contract.CancelPledge(ctx, 'd1')))).toBe('FORBIDDEN');
    expect(await codeOf(ledger.submit(staffA, (ctx) => contract.CancelPledge(ctx, 'd1')))).toBe('FORBIDDEN');
    await ledger.submit(donor1, (ctx) => contract.CancelPledge(ctx, 'd1'));
    expect(await readDonation('d1')).toMatchObject({ status: 'cancelled', cancelledAt: new Date(ledger.now).toISOString() });
    expect(await codeOf(ledger.submit(donor1, (ctx) => contract.CancelPledge(ctx, 'd1')))).toBe('CONFLICT');
    await settle('b1', ['d2']);
    expect(await codeOf(ledger.submit(payments, (ctx) => contract.CancelPledge(ctx, 'd2')))).toBe('CONFLICT');
  });

  test('spends take the oldest settled money first, whatever the order of the pledges', async () => {
    await donate(donor1, { id: 'pledged-first', ngoId: 'ngo-a', amount: '100', currency: 'EUR' });
    ledger.advanceHours(1);
    await donate(donor2, { id: 'pledged-second', ngoId: 'ngo-a', amount: '100', currency: 'EUR' });
    await settle('b1', ['pledged-second']);
    ledger.advanceHours(1);
    await settle('b2', ['pledged-first']);
    const paid = await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '150', currency: 'EUR' });
    expect(paid.allocations).toEqual([{ donationId: 'pledged-second', amount: '100' }, { donationId: 'pledged-first', amount: '50' }]);
  });
});

describe('refunds', () => {
  test('the payment service refunds what is left of settled money; refunded money pays for nothing', async () => {
    await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1000', currency: 'EUR' });
    await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '600', currency: 'EUR' });
    const first = await refund({ donationId: 'd1', amount: '100', reason: 'donor asked' });
    expect(first).toMatchObject({ amount: '100', currency: 'EUR', reason: 'donor asked' });
    expect(await readDonation('d1')).toMatchObject({ status: 'settled', remaining: '300', refunded: '100' });
    expect(await codeOf(refund({ donationId: 'd1', amount: '301' }))).toBe('INSUFFICIENT_FUNDS');
    await refund({ donationId: 'd1' });
    expect(await readDonation('d1')).toMatchObject({ status: 'refunded', remaining: '0', refunded: '400' });
    expect((await balance('ngo-a')).balances).toEqual([]);
    expect(await codeOf(spend(staffA, { id: 's2', ngoId: 'ngo-a', amount: '1', currency: 'EUR' }))).toBe('INSUFFICIENT_FUNDS');
    const refunds = await ledger.evaluate(donor1, async (ctx) => JSON.parse(await contract.ListRefundsByDonation(ctx, 'd1', '', '')) as Page<Refund>);
    expect(refunds.records.map((r) => r.amount).sort()).toEqual(['100', '300']);
  });

  test('a pledge, money all spent, and a refund by anyone but the payment service are refused and change nothing', async () => {
    await donate(donor1, { id: 'd-pledge', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    expect(await codeOf(refund({ donationId: 'd-pledge' }))).toBe('CONFLICT');
    await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    expect(await codeOf(refund({ donationId: 'd1' }, donor1))).toBe('FORBIDDEN');
    expect(await codeOf(refund({ donationId: 'd1' }, staffA))).toBe('FORBIDDEN');
    expect(await codeOf(refund({ donationId: 'd1', amount: '-1' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(refund({ donationId: 'd-none' }))).toBe('NOT_FOUND');
    await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
    expect(await codeOf(refund({ donationId: 'd1' }))).toBe('CONFLICT');
    expect(await readDonation('d1')).toMatchObject({ remaining: '0', refunded: '0', status: 'settled' });
  });
});

test('a donor whose money was all refunded may not rate the NGO', async () => {
  await give(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' });
  await refund({ donationId: 'd1' });
  expect(await codeOf(ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '5')))).toBe('FORBIDDEN');
});

describe('honest time', () => {
  test.each([
    ['backdated by 10 minutes', -600_000], ['dated 10 minutes ahead', 600_000],
  ])("a transaction %s against the endorsing peer's clock is CLOCK_SKEW and writes nothing", async (_what, error) => {
    ledger.clientClockError = error;
    expect(await codeOf(donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' }))).toBe('CLOCK_SKEW');
    ledger.clientClockError = 0;
    expect(await codeOf(readDonation('d1'))).toBe('NOT_FOUND');
  });

  test('a client clock a few minutes off is within the window', async () => {
    ledger.clientClockError = -240_000;
    expect((await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '10', currency: 'EUR' })).donatedAt).toBe(new Date(ledger.now - 240_000).toISOString());
  });
});

describe('spends read only the money they use', () => {
  const poolOf = async (size: number): Promise<void> => {
    const ids = Array.from({ length: size }, (_, i) => `d${String(i).padStart(4, '0')}`);
    for (const id of ids) await donate(donor1, { id, ngoId: 'ngo-a', amount: '100', currency: 'EUR' });
    await settle('b-pool', ids);
  };

  test('a spend covered by the two oldest donations reads as many keys whatever the size of the pool', async () => {
    await poolOf(5);
    await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '150', currency: 'EUR' });
    const smallPool = ledger.lastReads;
    ledger = new FakeLedger();
    await ledger.submit(ngoAdmin, (ctx) => contract.RegisterNgo(ctx, JSON.stringify({ id: 'ngo-a', name: 'NGO A' })));
    await poolOf(200);
    await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '150', currency: 'EUR' });
    expect(ledger.lastReads).toBe(smallPool);
  });
});

/** A donor identity per donation id, so that batches mix donors. */
function i2donor(id: string): FakeIdentity {
  return Number(id.replace(/\D/g, '')) % 2 === 0 ? donor1 : donor2;
}
