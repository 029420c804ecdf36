// The portal's money figures, computed in SQL, checked on an embedded read model filled by hand:
// no network, and the rules (what is raised, settled, held, spent, remaining) in one place.
import { ReadModel } from './read-model';
import { createSchema } from './schema';
import { SqlStore } from './sql';
import { openScratchStore } from './test-support/scratch-store';

const DONOR_KEY = 'a'.repeat(40);
const donor = { mspId: 'DonorPlatformMSP', key: DONOR_KEY };
const donation = (id: string, campaignId: string, amount: string, status: string, remaining: string) => ({
  id, ngoId: 'ngo-1', campaignId, amount, currency: 'EUR', status, remaining, refunded: '0', donor, donatedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-02-01T00:00:00Z',
  settledAt: status === 'settled' ? '2026-01-02T00:00:00Z' : '', settlementBatchId: '', paymentRef: '', cancelledAt: '', txId: `tx-${id}`,
});
const RECORDS: [string, string, Record<string, unknown>][] = [
  ['ngo', 'ngo-1', { id: 'ngo-1', name: 'Wells for All', description: 'Clean water', status: 'active' }],
  ['ngo', 'ngo-2', { id: 'ngo-2', name: 'Quiet NGO', status: 'suspended' }],
  ['campaign', 'c-1', { id: 'c-1', ngoId: 'ngo-1', name: 'Clean water', goal: '1000', currency: 'EUR', opensAt: '2026-01-01T00:00:00Z', closesAt: '2026-12-31T00:00:00Z', validatorMspId: 'AuditorMSP', milestoneCount: 2 }],
  ['milestone', 'c-1/2', { campaignId: 'c-1', index: 2, amount: '400', description: 'Water tested', status: 'pending', evidenceHash: '', confirmedAt: '', confirmedBy: '' }],
  ['milestone', 'c-1/1', { campaignId: 'c-1', index: 1, amount: '600', description: 'Well dug', status: 'confirmed', evidenceHash: 'e'.repeat(64), confirmedAt: '2026-03-01T00:00:00Z', confirmedBy: 'AuditorMSP' }],
  ['donation', 'd-1', donation('d-1', '', '100', 'settled', '60')],
  ['donation', 'd-2', donation('d-2', 'c-1', '800', 'settled', '800')],
  ['donation', 'd-3', donation('d-3', 'c-1', '200', 'pledged', '0')],
  ['donation', 'd-4', donation('d-4', '', '50', 'cancelled', '0')],
  ['spend', 's-1', { id: 's-1', ngoId: 'ngo-1', campaignId: '', amount: '40', currency: 'EUR', description: 'Pump', category: 'water', receiptHash: 'f'.repeat(64), recordedAt: '2026-01-03T00:00:00Z', allocations: [{ donationId: 'd-1', amount: '40' }] }],
  ['allocation', 's-1/d-1', { spendId: 's-1', donationId: 'd-1', ngoId: 'ngo-1', amount: '40', currency: 'EUR' }],
];

describe('the public view of the read model', () => {
  let store: SqlStore;
  let readModel: ReadModel;

  beforeAll(async () => {
    store = await openScratchStore();
    await createSchema(store);
    let block = 1;
    for (const [type, id, value] of RECORDS) {
      await store.query('insert into records (record_type, record_id, value, block, tx_index, tx_id) values ($1, $2, $3, $4, 0, $5)', [type, id, JSON.stringify(value), block, `tx-${block}`]);
      await store.query('insert into record_history (record_type, record_id, block, tx_index, tx_id, timestamp, is_delete, value) values ($1, $2, $3, 0, $4, null, false, $5)',
        [type, id, block, `tx-${block}`, JSON.stringify(value)]);
      block++;
    }
    await store.query(`insert into indexer_meta (key, value) values ('last_block', $1)`, [String(block - 1)]);
    readModel = new ReadModel(store, 'donations');
  });

  afterAll(async () => {
    await store.close();
  });

  test('an NGO raised its pledges and settlements (not cancelled ones), and holds what unconfirmed milestones keep', async () => {
    const { ngos, asOfBlock } = await readModel.publicOverview();
    expect(asOfBlock).toBe(RECORDS.length);
    expect(ngos.map((n) => n.id)).toEqual(['ngo-1', 'ngo-2']);
    // Campaign c-1: 800 settled, 600 released by the confirmed milestone, nothing spent: 200 held.
    expect(ngos[0]!.money).toEqual([{ currency: 'EUR', raised: '1100', settled: '900', held: '200', spent: '40', refunded: '0', remaining: '860', donations: 3 }]);
    expect(ngos[1]!.money).toEqual([]);
  });

  test("a campaign shows its progress and its milestones in order, with the validator's evidence", async () => {
    const page = await readModel.publicNgoPage('ngo-1', 10);
    expect(page.campaigns).toHaveLength(1);
    const [campaign] = page.campaigns;
    expect(campaign).toMatchObject({ id: 'c-1', raised: '1000', settled: '800', spent: '0', held: '200', validatorMspId: 'AuditorMSP' });
    expect(campaign!.milestones.map((m) => [m.index, m.status, m.evidenceHash.length])).toEqual([[1, 'confirmed', 64], [2, 'pending', 0]]);
    expect(page.categories).toEqual([{ ngoId: 'ngo-1', category: 'water', currency: 'EUR', spends: 1, spent: '40' }]);
    expect(page.recentSpends.map((s) => [s.id, s.ngoName, s.receiptHash])).toEqual([['s-1', 'Wells for All', 'f'.repeat(64)]]);
  });

  test('a donation found by its receipt code shows the spends it paid for and no donor', async () => {
    const path = await readModel.donationPath('d-1');
    expect(path).toMatchObject({ ngoName: 'Wells for All', campaignName: '', pledgeBlock: 6 });
    expect(path.allocations).toEqual([{ amount: '40', spend: expect.objectContaining({ id: 's-1', description: 'Pump', block: 10 }) }]);
    expect(path.donation).not.toHaveProperty('donor');
  });

  test('no public answer carries the donor key or MSP', async () => {
    const answers = [await readModel.publicOverview(), await readModel.publicNgoPage('ngo-1', 10), await readModel.donationPath('d-2'), await readModel.activity(50), await readModel.publicSpends(10)];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toMatch(new RegExp(`${DONOR_KEY}|DonorPlatformMSP`));
  });

  test('the activity lists the newest changes first and leaves out allocations', async () => {
    const { rows } = await readModel.activity(3);
    expect(rows.map((r) => [r.recordType, r.recordId])).toEqual([['spend', 's-1'], ['donation', 'd-4'], ['donation', 'd-3']]);
    expect(rows[0]).toMatchObject({ ngoId: 'ngo-1', ngoName: 'Wells for All', amount: '40', currency: 'EUR', label: 'Pump' });
    // A milestone names only its campaign; its NGO comes from there.
    const all = (await readModel.activity(50)).rows;
    expect(all.find((r) => r.recordType === 'milestone')).toMatchObject({ ngoId: 'ngo-1', ngoName: 'Wells for All', label: 'Well dug' });
  });

  test('unknown NGOs and donations are not found', async () => {
    await expect(readModel.publicNgoPage('nobody', 10)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readModel.donationPath('don-missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
