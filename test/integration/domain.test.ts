// The rules of money on the real network: NGOs, campaigns, donations, spends and their FIFO
// allocation, ratings, listings, history, and donors' private details.
import { Donation, LedgerClient, LedgerError } from '@donation-ledger/client';
import { connectAs, connectPayments, ensureNgo, give, openWindow, outcome, uniqueId } from './harness';

describe('the donation domain', () => {
  let admin: LedgerClient;
  let donor: LedgerClient;
  let donor2: LedgerClient;
  let staffA: LedgerClient;
  let staffB: LedgerClient;
  /** The donor platform's payment service: it settles pledges into money. */
  let payments: LedgerClient;
  /** staff1 of the topology works for ngo-1, staff2 for ngo-2. */
  const ngoA = 'ngo-1';
  const ngoB = 'ngo-2';

  beforeAll(async () => {
    admin = await connectAs('ngo', 'ngoadmin1');
    donor = await connectAs('donorplatform', 'donor1');
    donor2 = await connectAs('donorplatform', 'donor2');
    staffA = await connectAs('ngo', 'staff1');
    staffB = await connectAs('ngo', 'staff2');
    payments = await connectPayments();
    await ensureNgo(admin, ngoA);
    await ensureNgo(admin, ngoB);
  });

  afterAll(() => {
    for (const client of [admin, donor, donor2, staffA, staffB, payments]) client.close();
  });

  async function newCampaign(ngoId = ngoA, currency = 'EUR'): Promise<string> {
    const id = uniqueId('camp');
    const staff = ngoId === ngoA ? staffA : staffB;
    await staff.createCampaign({ id, ngoId, name: 'Wells', goal: '100000', currency, ...openWindow() });
    return id;
  }

  describe('NGOs', () => {
    test('a registered NGO is active; registering its id again is ALREADY_EXISTS', async () => {
      const id = uniqueId('ngo');
      const { result } = await admin.registerNgo({ id, name: 'Seeds for All', contact: 'info@seeds.example' });
      expect(result).toMatchObject({ id, status: 'active', registeredBy: 'NgoMSP' });
      expect(await outcome(admin.registerNgo({ id, name: 'Again' }))).toBe('ALREADY_EXISTS');
    });

    test('a suspended NGO receives no donations and records no spends until reactivated; history shows every change', async () => {
      const id = uniqueId('ngo');
      await admin.registerNgo({ id, name: 'Paused' });
      await admin.setNgoStatus(id, 'suspended');

      expect(await outcome(donor.donate({ id: uniqueId('don'), ngoId: id, amount: '5', currency: 'EUR' }))).toBe('CONFLICT');
      expect(await outcome(admin.setNgoStatus(id, 'suspended'))).toBe('CONFLICT');
      await admin.setNgoStatus(id, 'active');
      expect(await outcome(donor.donate({ id: uniqueId('don'), ngoId: id, amount: '5', currency: 'EUR' }))).toBe('OK');

      const history = await admin.getHistory('ngo', id);
      expect(history.map((r) => (r.value as { status: string }).status)).toEqual(['active', 'suspended', 'active']);
      expect(history.every((r) => /^[0-9a-f]{64}$/.test(r.txId) && !r.isDelete)).toBe(true);
    });

    test('bad NGO input is INVALID_ARGUMENT and writes nothing', async () => {
      const id = uniqueId('ngo');
      expect(await outcome(admin.registerNgo({ id, name: '' }))).toBe('INVALID_ARGUMENT');
      expect(await outcome(admin.registerNgo({ id, name: 'x'.repeat(201) }))).toBe('INVALID_ARGUMENT');
      expect(await outcome(admin.registerNgo({ id: 'bad id', name: 'Spaces' }))).toBe('INVALID_ARGUMENT');
      expect(await outcome(admin.registerNgo({ id, name: 'Extra', colour: 'red' } as never))).toBe('INVALID_ARGUMENT');
      expect(await outcome(admin.setNgoStatus(ngoA, 'closed' as never))).toBe('INVALID_ARGUMENT');
      expect(await outcome(admin.readNgo(id))).toBe('NOT_FOUND');
    });
  });

  describe('campaigns', () => {
    test('donations to a campaign must match its NGO, currency and window', async () => {
      const campaignId = await newCampaign();
      const closed = uniqueId('camp');
      await admin.createCampaign({ id: closed, ngoId: ngoA, name: 'Last year', goal: 10, currency: 'EUR', opensAt: '2020-01-01T00:00:00Z', closesAt: '2020-02-01T00:00:00Z' });
      const donate = (over: object): Promise<string> => outcome(donor.donate({ id: uniqueId('don'), ngoId: ngoA, campaignId, amount: '10', currency: 'EUR', ...over }));

      expect(await donate({})).toBe('OK');
      expect(await donate({ ngoId: ngoB })).toBe('INVALID_ARGUMENT');
      expect(await donate({ currency: 'USD' })).toBe('INVALID_ARGUMENT');
      expect(await donate({ campaignId: closed })).toBe('CONFLICT');
      expect(await donate({ campaignId: 'no-such-campaign' })).toBe('NOT_FOUND');
    });

    test('a campaign needs a positive goal and a window that ends after it starts', async () => {
      const base = { id: uniqueId('camp'), ngoId: ngoA, name: 'Bad', currency: 'EUR', ...openWindow() };
      expect(await outcome(staffA.createCampaign({ ...base, goal: '0' }))).toBe('INVALID_ARGUMENT');
      expect(await outcome(staffA.createCampaign({ ...base, goal: 5, closesAt: base.opensAt }))).toBe('INVALID_ARGUMENT');
      expect(await outcome(staffA.createCampaign({ ...base, goal: 5, opensAt: 'yesterday' }))).toBe('INVALID_ARGUMENT');
      expect(await outcome(staffA.readCampaign(base.id))).toBe('NOT_FOUND');
    });
  });

  describe('spends and their allocation', () => {
    test('a spend is paid by the oldest donations first, and each donor sees where their money went', async () => {
      const campaignId = await newCampaign();
      // Oldest means settled first: each is settled before the next is given.
      const d1 = await give(donor, payments, { id: uniqueId('don'), ngoId: ngoA, campaignId, amount: '100', currency: 'EUR' });
      const d2 = await give(donor2, payments, { id: uniqueId('don'), ngoId: ngoA, campaignId, amount: '50', currency: 'EUR' });
      const d3 = await give(donor, payments, { id: uniqueId('don'), ngoId: ngoA, campaignId, amount: '30', currency: 'EUR' });

      const receiptHash = 'a'.repeat(64);
      const { result: spend } = await staffA.recordSpend({
        id: uniqueId('sp'), ngoId: ngoA, campaignId, amount: '120', currency: 'EUR', description: 'Pump parts', category: 'water', receiptHash,
      });

      expect(spend.allocations).toEqual([{ donationId: d1.id, amount: '100' }, { donationId: d2.id, amount: '20' }]);
      expect((await donor.readDonation(d1.id)).remaining).toBe('0');
      expect((await donor.readDonation(d2.id)).remaining).toBe('30');
      expect((await donor.readDonation(d3.id)).remaining).toBe('30');
      const trace = await donor2.listAllocationsByDonation(d2.id);
      expect(trace.records).toEqual([expect.objectContaining({ spendId: spend.id, amount: '20', spend: expect.objectContaining({ description: 'Pump parts', receiptHash }) })]);
      expect((await donor.listAllocationsByDonation(d3.id)).records).toEqual([]);
      const history = await staffA.getHistory('donation', d2.id);
      expect(history.map((r) => (r.value as { status: string }).status)).toEqual(['pledged', 'settled', 'settled']);
      expect(history.map((r) => (r.value as { remaining: string }).remaining)).toEqual(['0', '50', '30']);
    });

    test('a spend beyond the unspent donations is INSUFFICIENT_FUNDS and changes nothing', async () => {
      const campaignId = await newCampaign();
      const d1 = await give(donor, payments, { id: uniqueId('don'), ngoId: ngoA, campaignId, amount: '40', currency: 'EUR' });
      const spendId = uniqueId('sp');

      expect(await outcome(staffA.recordSpend({ id: spendId, ngoId: ngoA, campaignId, amount: '41', currency: 'EUR', description: 'Too much', category: 'water' }))).toBe('INSUFFICIENT_FUNDS');
      expect(await outcome(staffA.recordSpend({ id: spendId, ngoId: ngoA, campaignId, amount: '40', currency: 'USD', description: 'Wrong currency', category: 'water' }))).toBe('INSUFFICIENT_FUNDS');
      expect((await donor.readDonation(d1.id)).remaining).toBe('40');
      expect(await outcome(staffA.readSpend(spendId))).toBe('NOT_FOUND');
    });

    test("a campaign's donations pay only for that campaign's spends, and general spends only from general donations", async () => {
      const campaignId = await newCampaign(ngoB, 'CHF');
      const earmarked = await give(donor, payments, { id: uniqueId('don'), ngoId: ngoB, campaignId, amount: '500', currency: 'CHF' });
      const staffOfB = staffB;
      const balanceBefore = await staffOfB.readBalance(ngoB);

      expect(await outcome(staffOfB.recordSpend({ id: uniqueId('sp'), ngoId: ngoB, amount: '10', currency: 'CHF', description: 'Rent', category: 'operations' }))).toBe('INSUFFICIENT_FUNDS');
      expect((await donor.readDonation(earmarked.id)).remaining).toBe('500');
      expect(balanceBefore.balances).toContainEqual({ campaignId, currency: 'CHF', unspent: '500' });
    });

    test.each([
      ['a fractional amount', { amount: '1.5' }],
      ['a zero amount', { amount: 0 }],
      ['an unknown category format', { category: 'Water Supply' }],
      ['a receipt hash that is not SHA-256 hex', { receiptHash: 'abc' }],
      ['an empty description', { description: '' }],
    ])('%s is INVALID_ARGUMENT', async (_what, over) => {
      const request = { id: uniqueId('sp'), ngoId: ngoA, amount: '1', currency: 'EUR', description: 'Thing', category: 'water', ...over };
      expect(await outcome(staffA.recordSpend(request))).toBe('INVALID_ARGUMENT');
    });
  });

  describe('ratings', () => {
    test('a donor rates an NGO they gave to, once, and may change it; others may not rate it', async () => {
      const ngoId = uniqueId('ngo');
      await admin.registerNgo({ id: ngoId, name: 'Rated' });
      await give(donor, payments, { id: uniqueId('don'), ngoId, amount: '1', currency: 'EUR' });

      expect(await outcome(donor2.rateNgo(ngoId, 4))).toBe('FORBIDDEN');
      await donor.rateNgo(ngoId, 3);
      await donor.rateNgo(ngoId, 5);
      const ratings = await donor.listRatingsByNgo(ngoId);
      expect(ratings.records.map((r) => r.score)).toEqual([5]);
      expect(await outcome(donor.rateNgo(ngoId, 6))).toBe('INVALID_ARGUMENT');
      expect(await outcome(donor.rateNgo(ngoId, 0))).toBe('INVALID_ARGUMENT');
    });
  });

  describe('listings', () => {
    test('pages follow bookmarks to the end, and the page size is capped', async () => {
      const campaignId = await newCampaign();
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await donor2.donate({ id: uniqueId('don'), ngoId: ngoA, campaignId, amount: i + 1, currency: 'EUR' })).result.id);

      const first = await donor.listDonationsByCampaign(campaignId, { pageSize: 2 });
      const second = await donor.listDonationsByCampaign(campaignId, { pageSize: 2, bookmark: first.bookmark });
      const third = await donor.listDonationsByCampaign(campaignId, { pageSize: 2, bookmark: second.bookmark });
      expect([first, second, third].map((p) => p.records.length)).toEqual([2, 2, 1]);
      expect(third.bookmark).toBe('');
      expect([...first.records, ...second.records, ...third.records].map((d) => d.id).sort()).toEqual(ids.sort());
      expect(await outcome(donor.listDonationsByCampaign(campaignId, { pageSize: 101 }))).toBe('INVALID_ARGUMENT');
      expect((await donor.listCampaignsByNgo(ngoA, { pageSize: 100 })).records.map((c) => c.id)).toContain(campaignId);
    });

    test("a donor's own listing holds only their donations", async () => {
      const mine = (await donor2.donate({ id: uniqueId('don'), ngoId: ngoA, amount: '3', currency: 'EUR' })).result;
      // Other suites (the bench) give as donor2 too: read every page of the listing.
      const all: Donation[] = [];
      let bookmark = '';
      do {
        const page = await donor2.listMyDonations({ pageSize: 100, bookmark });
        all.push(...page.records);
        bookmark = page.bookmark;
      } while (bookmark !== '');
      expect(all.map((d) => d.id)).toContain(mine.id);
      expect(new Set(all.map((d) => d.donor.key))).toEqual(new Set([mine.donor.key]));
      expect(await outcome(staffA.listMyDonations())).toBe('FORBIDDEN');
    });

    test('history of an unknown record type is INVALID_ARGUMENT, of an unknown record NOT_FOUND', async () => {
      expect(await outcome(donor.getHistory('wallet' as never, 'x'))).toBe('INVALID_ARGUMENT');
      expect(await outcome(donor.getHistory('donation', 'no-such-donation'))).toBe('NOT_FOUND');
    });
  });

  describe("donors' personal details", () => {
    test("stay in the donor platform org: its peer returns them, the NGO org's peer cannot", async () => {
      await donor.setMyDetails({ name: 'Ada Donor', email: 'ada@example.org' });

      expect(await donor.readMyDetails()).toMatchObject({ name: 'Ada Donor', email: 'ada@example.org' });
      // The NGO org's peer holds no copy: it fails the read (as UNKNOWN, Fabric's error being unspecific) and returns nothing of them.
      const viaNgo = await donor.readMyDetails({ endorsingOrganizations: ['NgoMSP'] }).then(() => undefined, (err: unknown) => err);
      expect(viaNgo).toBeInstanceOf(LedgerError);
      expect(JSON.stringify({ message: (viaNgo as LedgerError).message, details: (viaNgo as LedgerError).details })).not.toMatch(/Ada|ada@example/);
      expect(await outcome(donor2.readMyDetails())).toBe('NOT_FOUND');
      expect(await outcome(donor.setMyDetails({ name: 'Ada', email: 'not-an-email' }))).toBe('INVALID_ARGUMENT');
    });
  });
});
