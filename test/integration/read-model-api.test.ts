// The read model through the REST API: read-your-writes, search, analytics (JSON and CSV) and
// audit (digest, verification, history, proofs), and clear errors for bad input.
import request from 'supertest';
import { ADMIN_PASSWORD, Apis, settleThroughApi, startApis } from './api-harness';
import { openWindow, uniqueId } from './harness';

type Agent = ReturnType<typeof request>;

describe('the read model over the REST API', () => {
  let apis: Apis;
  let donorApi: Agent;
  let ngoApi: Agent;
  const tokens: Record<string, string> = {};
  const ngoId = uniqueId('rm-ngo');
  const campaignId = uniqueId('rm-camp');
  const auth = (who: string): { Authorization: string } => ({ Authorization: `Bearer ${tokens[who] ?? 'none'}` });
  let donation: { transactionId: string; blockNumber: string; record: { id: string; donor: { key: string } } };
  let settlement: { transactionId: string; blockNumber: string };

  beforeAll(async () => {
    apis = await startApis();
    donorApi = request(apis.donor.server);
    ngoApi = request(apis.ngo.server);
    tokens.admin = ((await ngoApi.post('/api/sessions').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(201)).body as { token: string }).token;
    await ngoApi.post('/api/ngos').set(auth('admin')).send({ id: ngoId, name: 'Read Model Wells' }).expect(201);
    await ngoApi.post('/api/ngos').set(auth('admin')).send({ id: uniqueId('rm-ngo'), name: 'Read Model Seeds' }).expect(201);
    await ngoApi.post('/api/campaigns').set(auth('admin')).send({ id: campaignId, ngoId, name: 'Deep wells', goal: '10000', currency: 'EUR', ...openWindow() }).expect(201);
    await ngoApi.post('/api/accounts/staff').set(auth('admin')).send({ username: 'rm-staff', password: 'rm-staff-password', ngoId }).expect(201);
    tokens.staff = ((await ngoApi.post('/api/sessions').send({ username: 'rm-staff', password: 'rm-staff-password' }).expect(201)).body as { token: string }).token;
    const donor = uniqueId('rmdonor').toLowerCase();
    tokens.donor = ((await donorApi.post('/api/accounts').send({ username: donor, password: 'donor-password', name: 'Grace', email: 'grace@example.org' }).expect(201)).body as { token: string }).token;
    donation = (await donorApi.post('/api/donations').set(auth('donor')).send({ id: uniqueId('don'), ngoId, campaignId, amount: '2500', currency: 'EUR' }).expect(201)).body as typeof donation;
    settlement = await settleThroughApi(apis, [donation.record.id]);
  });

  afterAll(async () => {
    await apis?.stop();
  });

  describe('read-your-writes', () => {
    test('a donation is listed at once when read with the block its write answered with', async () => {
      const res = await ngoApi.get(`/api/read/donations?ngoId=${ngoId}&minBlock=${donation.blockNumber}`).set(auth('admin')).expect(200);
      expect(res.body.asOfBlock).toBeGreaterThanOrEqual(Number(donation.blockNumber));
      expect(res.body.items).toEqual([expect.objectContaining({ id: donation.record.id, amount: '2500', campaignId })]);
    });

    test('a spend is readable after its transaction, with its validation code and block', async () => {
      const spend = (await ngoApi.post('/api/spends').set(auth('staff')).send({ id: uniqueId('sp'), ngoId, campaignId, amount: 1000, currency: 'EUR', description: 'Drilling rig', category: 'equipment' }).expect(201)).body as { transactionId: string; blockNumber: string };
      const tx = await ngoApi.get(`/api/read/transactions/${spend.transactionId}?afterTx=${spend.transactionId}`).set(auth('staff')).expect(200);
      expect(tx.body.value).toMatchObject({ validationCode: 'VALID', block: Number(spend.blockNumber), creatorMspId: 'NgoMSP' });
      const found = await ngoApi.get(`/api/read/spends?ngoId=${ngoId}&q=rig`).set(auth('staff')).expect(200);
      expect(found.body.items).toHaveLength(1);
    });

    test('a block the ledger does not have is a 400 and a transaction it does not have a 404 (neither waits for the indexer)', async () => {
      const future = await ngoApi.get('/api/read/ngos?minBlock=99999999').set(auth('admin')).expect(400);
      expect(future.body.detail).toMatch(/minBlock 99999999 is not on the ledger: it has blocks 0 to \d+/);
      const unknown = await ngoApi.get(`/api/read/ngos?afterTx=${'ab'.repeat(32)}`).set(auth('admin')).expect(404);
      expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringMatching(/transaction (ab){32} is not on the ledger/) as unknown });
    });
  });

  describe('lists and search', () => {
    test('NGOs are searched by name, case-insensitively, and paged with a cursor', async () => {
      const res = await donorApi.get(`/api/read/ngos?q=read%20model%20WELLS&afterTx=${donation.transactionId}`).set(auth('donor')).expect(200);
      expect(res.body.items).toEqual([expect.objectContaining({ id: ngoId, name: 'Read Model Wells' })]);
      const first = await donorApi.get('/api/read/ngos?limit=1').set(auth('donor')).expect(200);
      expect(first.body.items).toHaveLength(1);
      const second = await donorApi.get(`/api/read/ngos?limit=1&after=${first.body.next as string}`).set(auth('donor')).expect(200);
      expect(second.body.items[0].id > first.body.items[0].id).toBe(true);
    });

    test("a donor's donations are found by their donor key", async () => {
      const res = await donorApi.get(`/api/read/donations?donorKey=${donation.record.donor.key}&minBlock=${donation.blockNumber}`).set(auth('donor')).expect(200);
      expect(res.body.items.map((d: { id: string }) => d.id)).toContain(donation.record.id);
    });

    test('bad paging, unknown filters and a stranger cursor get 400 naming the field', async () => {
      for (const query of ['limit=0', 'limit=201', 'limit=ten', 'colour=red', 'after=%25%25', 'donorKey=nothex', 'minBlock=-1', 'afterTx=abc']) {
        const res = await donorApi.get(`/api/read/donations?${query}`).set(auth('donor')).expect(400);
        expect(res.body.code).toMatch(/^(INVALID_REQUEST|INVALID_ARGUMENT)$/);
      }
    });

    test('the read model is for logged-in users', async () => {
      await donorApi.get('/api/read/ngos').expect(401);
    });
  });

  describe('analytics', () => {
    test('per NGO: settled money given, pledges waiting, spent, refunded, remaining, share spent and donors', async () => {
      const res = await ngoApi.get(`/api/analytics/ngos?ngoId=${ngoId}&minBlock=${settlement.blockNumber}`).set(auth('admin')).expect(200);
      expect(res.body.rows).toEqual([{ ngoId, currency: 'EUR', donations: 1, pledged: '0', donated: '2500', spends: 1, spent: '1000', refunded: '0', remaining: '1500', shareSpent: '0.4000', donors: 1 }]);
    });

    test('per campaign, month and spend category', async () => {
      const campaigns = await ngoApi.get(`/api/analytics/campaigns?ngoId=${ngoId}`).set(auth('admin')).expect(200);
      expect(campaigns.body.rows).toEqual([{ campaignId, ngoId, currency: 'EUR', goal: '10000', donations: 1, donated: '2500', pledged: '0', shareOfGoal: '0.2500', milestones: 0, milestonesConfirmed: 0, released: null }]);
      const months = await ngoApi.get(`/api/analytics/months?ngoId=${ngoId}`).set(auth('admin')).expect(200);
      expect(months.body.rows).toEqual([{ month: new Date().toISOString().slice(0, 7), ngoId, currency: 'EUR', donations: 1, donated: '2500' }]);
      const categories = await ngoApi.get(`/api/analytics/spend-categories?ngoId=${ngoId}`).set(auth('admin')).expect(200);
      expect(categories.body.rows).toEqual([{ ngoId, category: 'equipment', currency: 'EUR', spends: 1, spent: '1000' }]);
    });

    test('CSV export is a spreadsheet-ready file that says which block it is as of', async () => {
      const res = await ngoApi.get(`/api/analytics/ngos?ngoId=${ngoId}&format=csv`).set(auth('admin')).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="ngos-as-of-block-\d+\.csv"/);
      expect(res.text.split('\r\n')).toEqual(['ngoId,currency,donations,pledged,donated,spends,spent,refunded,remaining,shareSpent,donors', `${ngoId},EUR,1,0,2500,1,1000,0,1500,0.4000,1`, '']);
    });
  });

  describe('audit', () => {
    test('the digest verifies; a digest with another hash names the block that differs', async () => {
      const digest = (await ngoApi.get('/api/read/audit/digest').set(auth('admin')).expect(200)).body as { channel: string; height: number; blockHash: string };
      expect(digest).toMatchObject({ channel: 'donations', height: expect.any(Number), blockHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const saved = { channel: digest.channel, height: digest.height, blockHash: digest.blockHash };
      const ok = await ngoApi.post('/api/read/audit/verify').set(auth('admin')).send({ digest: saved }).expect(200);
      expect(ok.body).toMatchObject({ ok: true, digest: { channel: 'donations' } });
      const other = await ngoApi.post('/api/read/audit/verify').set(auth('admin')).send({ digest: { ...saved, blockHash: 'ab'.repeat(32) } }).expect(200);
      expect(other.body).toEqual({ ok: false, blockNumber: digest.height - 1, reason: expect.stringMatching(/differs from the saved digest/) as unknown });
    });

    test('a digest of another channel or from the future is refused with a clear error', async () => {
      const digest = (await ngoApi.get('/api/read/audit/digest').set(auth('admin')).expect(200)).body as { channel: string; height: number; blockHash: string };
      const elsewhere = await ngoApi.post('/api/read/audit/verify').set(auth('admin')).send({ digest: { channel: 'other', height: digest.height, blockHash: digest.blockHash } }).expect(400);
      expect(elsewhere.body.detail).toMatch(/channel "other", this ledger is "donations"/);
      const future = await ngoApi.post('/api/read/audit/verify').set(auth('admin')).send({ digest: { channel: 'donations', height: digest.height + 1000, blockHash: digest.blockHash } }).expect(400);
      expect(future.body.detail).toMatch(/from the future/);
    });

    test("a record's history and proofs give each revision's block, hash, transaction and validation code", async () => {
      const history = await ngoApi.get(`/api/read/audit/history/donation/${donation.record.id}`).set(auth('admin')).expect(200);
      expect(history.body.rows.length).toBeGreaterThanOrEqual(3); // pledged, settled, then partly spent
      expect(history.body.rows[0]).toMatchObject({ txId: donation.transactionId, block: Number(donation.blockNumber), validationCode: 'VALID', value: expect.objectContaining({ status: 'pledged', remaining: '0' }) });
      expect(history.body.rows[1]).toMatchObject({ txId: settlement.transactionId, value: expect.objectContaining({ status: 'settled', remaining: '2500' }) });
      const proofs = await ngoApi.get(`/api/read/audit/proofs/donation/${donation.record.id}`).set(auth('admin')).expect(200);
      expect(proofs.body.rows[0]).toEqual({ block: Number(donation.blockNumber), txIndex: expect.any(Number), txId: donation.transactionId, timestamp: expect.any(String), validationCode: 'VALID', blockHash: expect.stringMatching(/^[0-9a-f]{64}$/), isDelete: false });
      const ledgerProofs = await ngoApi.get(`/api/proofs/donation/${donation.record.id}`).set(auth('admin')).expect(200);
      expect((ledgerProofs.body as { blockHash: string }[])[0]!.blockHash).toBe(proofs.body.rows[0].blockHash);
    });

    test('an unknown record type, an unknown record and bad block ranges get clear errors', async () => {
      const type = await ngoApi.get('/api/read/audit/history/invoice/x-1').set(auth('admin')).expect(400);
      // Refused by the API's validation, which names every record type there is.
      expect(type.body.detail).toMatch(/path\.recordType: Invalid option: expected one of "ngo"\|"campaign"\|"donation"/);
      await ngoApi.get('/api/read/audit/history/donation/no-such-donation').set(auth('admin')).expect(404);
      const reversed = await ngoApi.get('/api/read/audit/blocks?from=5&to=2').set(auth('admin')).expect(400);
      expect(reversed.body.detail).toMatch(/from 5 is after to 2/);
      const tooMany = await ngoApi.get('/api/read/audit/blocks?from=0&to=5000').set(auth('admin')).expect(400);
      expect(tooMany.body.detail).toMatch(/at most 1000 blocks/);
      const beyond = await ngoApi.get('/api/read/audit/blocks?from=0&to=999').set(auth('admin')).expect(400);
      expect(beyond.body.detail).toMatch(/block 999 is not indexed yet/);
      await ngoApi.get('/api/read/audit/blocks?from=a&to=2').set(auth('admin')).expect(400);
      const blocks = await ngoApi.get('/api/read/audit/blocks?from=0&to=2').set(auth('admin')).expect(200);
      expect(blocks.body.rows.map((b: { number: number }) => b.number)).toEqual([0, 1, 2]);
      expect(blocks.body.rows[1].previousHash).toBe(blocks.body.rows[0].headerHash);
    });

    test('readiness reports the read model', async () => {
      const ready = await ngoApi.get('/health/ready').expect(200);
      expect(ready.body.readModel).toMatchObject({ state: 'following', store: 'embedded', channel: 'donations' });
    });
  });
});
