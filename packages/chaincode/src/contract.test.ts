// The rules of money, against the in-memory ledger: who may move it, what is refused, and where
// each spend's money comes from. No network: a broken rule fails here in seconds.
import { codeOf, FakeIdentity, FakeLedger } from './test-support/fake-context';
import { DonationContract } from './contract';
import { AllocationRecord, Donation, Page, Spend } from './records';

const contract = new DonationContract();
const ngoAdmin: FakeIdentity = { mspId: 'NgoMSP', role: 'ngo-admin', name: 'ngoadmin1' };
const staffA: FakeIdentity = { mspId: 'NgoMSP', role: 'ngo-staff', ngoId: 'ngo-a', name: 'staff-a' };
const staffB: FakeIdentity = { mspId: 'NgoMSP', role: 'ngo-staff', ngoId: 'ngo-b', name: 'staff-b' };
const donor1: FakeIdentity = { mspId: 'DonorPlatformMSP', role: 'donor', name: 'donor1' };
const donor2: FakeIdentity = { mspId: 'DonorPlatformMSP', role: 'donor', name: 'donor2' };
const impostor: FakeIdentity = { mspId: 'NgoMSP', role: 'donor', name: 'impostor' };

let ledger: FakeLedger;
const donate = (by: FakeIdentity, request: Record<string, unknown>): Promise<Donation> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.Donate(ctx, JSON.stringify(request))) as Donation);
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
  test('a donor gives whole minor units to an active NGO; the donation is all unspent and names the donor by a key, not a name', async () => {
    const gift = await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '2500', currency: 'EUR' });
    expect(gift).toMatchObject({ amount: '2500', remaining: '2500', currency: 'EUR', donor: { mspId: 'DonorPlatformMSP' } });
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
    await donate(donor1, { id: 'd-camp', ngoId: 'ngo-a', campaignId: 'c1', amount: '1000', currency: 'EUR' });
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
  test('a spend is paid by the oldest unspent donations first, splitting the last one; balances follow', async () => {
    await donate(donor1, { id: 'd-old', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    ledger.advanceHours(1);
    await donate(donor2, { id: 'd-mid', ngoId: 'ngo-a', amount: '500', currency: 'EUR' });
    ledger.advanceHours(1);
    await donate(donor1, { id: 'd-new', ngoId: 'ngo-a', amount: '1000', currency: 'EUR' });

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
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    await donate(donor1, { id: 'd2', ngoId: 'ngo-a', amount: '300', currency: 'USD' });
    expect(await codeOf(spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '301', currency: 'EUR' }))).toBe('INSUFFICIENT_FUNDS');
    expect((await readDonation('d1')).remaining).toBe('300');
    expect(await codeOf(ledger.evaluate(staffA, (ctx) => contract.ReadSpend(ctx, 's1')))).toBe('NOT_FOUND');
  });

  test("only the NGO's own staff record its spends; another NGO's staff and donors are FORBIDDEN", async () => {
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    expect(await codeOf(spend(staffB, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('FORBIDDEN');
    expect(await codeOf(spend(donor1, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('FORBIDDEN');
    expect(await codeOf(spend(ngoAdmin, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('FORBIDDEN');
    expect((await readDonation('d1')).remaining).toBe('300');
  });

  test("money given to one NGO never pays another's spend", async () => {
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    expect(await codeOf(spend(staffB, { id: 's1', ngoId: 'ngo-b', amount: '100', currency: 'EUR' }))).toBe('INSUFFICIENT_FUNDS');
  });

  test('the same spend ID twice is ALREADY_EXISTS and allocates nothing more', async () => {
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '300', currency: 'EUR' });
    await spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' });
    expect(await codeOf(spend(staffA, { id: 's1', ngoId: 'ngo-a', amount: '100', currency: 'EUR' }))).toBe('ALREADY_EXISTS');
    expect((await readDonation('d1')).remaining).toBe('200');
  });
});

describe('ratings', () => {
  test('a donor rates only an NGO they gave to, from 1 to 5', async () => {
    expect(await codeOf(ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '5')))).toBe('FORBIDDEN');
    await donate(donor1, { id: 'd1', ngoId: 'ngo-a', amount: '1', currency: 'EUR' });
    expect(await codeOf(ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '6')))).toBe('INVALID_ARGUMENT');
    await ledger.submit(donor1, (ctx) => contract.RateNgo(ctx, 'ngo-a', '5'));
    expect(await codeOf(ledger.submit(donor2, (ctx) => contract.RateNgo(ctx, 'ngo-a', '1')))).toBe('FORBIDDEN');
  });
});
