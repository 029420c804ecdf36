// Receipts on the real network: a donor pledges through the API, the payment service settles,
// the donor downloads the receipt, and it verifies offline (verifyReceipt and the CLI) against
// the genesis hash the site profile publishes; one changed byte fails, naming why.
import './quiet-contract-logs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile } from '@donation-ledger/client';
import { fromBase64, Receipt, toBase64, verifyReceipt } from '@donation-ledger/receipt';
import request from 'supertest';
import { Apis, settleThroughApi, startApis } from './api-harness';
import { connectAs, ensureNgo, siteProfile, uniqueId } from './harness';

const CLI = join(__dirname, '..', '..', 'packages', 'receipt', 'dist', 'cli.js');

describe('donation receipts anyone can verify offline', () => {
  let apis: Apis;
  let dir: string;
  let genesisHash: string;
  const tokens: Record<'donor' | 'otherDonor', string> = { donor: '', otherDonor: '' };
  const ngoId = uniqueId('ngo');
  let donationId: string;
  let receipt: Receipt;
  const auth = (who: keyof typeof tokens): { Authorization: string } => ({ Authorization: `Bearer ${tokens[who]}` });

  const signUp = async (username: string): Promise<string> => {
    const api = request(apis.donor.server);
    await api.post('/api/accounts').send({ username, password: 'donor-password', name: 'Receipt Donor', email: `${username}@example.org` }).expect(201);
    return ((await api.post('/api/sessions').send({ username, password: 'donor-password' }).expect(201)).body as { token: string }).token;
  };

  /** Runs the CLI on a receipt written to a file. */
  const cli = (document: unknown, ...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const file = join(dir, `${uniqueId('receipt')}.json`);
    writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
    return spawnSync(process.execPath, [CLI, file, ...args], { encoding: 'utf8' });
  };

  const tamperedAmount = (): Receipt => ({ ...receipt, donation: { ...receipt.donation, amount: '2600' } });
  const tamperedBlock = (): Receipt => {
    const bytes = fromBase64(receipt.pledge.block);
    const amount = new TextEncoder().encode('"amount":"2500"');
    const at = bytes.findIndex((_, i) => amount.every((b, j) => bytes[i + j] === b));
    expect(at).toBeGreaterThan(0);
    bytes[at + 11] = '6'.charCodeAt(0);
    return { ...receipt, pledge: { ...receipt.pledge, block: toBase64(bytes) } };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'receipts-'));
    genesisHash = loadProfile(siteProfile('donorplatform')).genesisBlockHash ?? '';
    const admin = await connectAs('ngo', 'ngoadmin1');
    await ensureNgo(admin, ngoId);
    admin.close();
    apis = await startApis();
    tokens.donor = await signUp(uniqueId('rcpt').toLowerCase());
    tokens.otherDonor = await signUp(uniqueId('rcpt').toLowerCase());
    const pledged = await request(apis.donor.server).post('/api/donations').set(auth('donor')).set('Idempotency-Key', uniqueId('key'))
      .send({ ngoId, amount: '2500', currency: 'EUR' }).expect(201);
    donationId = (pledged.body as { record: { id: string } }).record.id;
    await settleThroughApi(apis, [donationId]);
    receipt = (await request(apis.donor.server).get(`/api/donations/${donationId}/receipt`).set(auth('donor')).expect(200)).body as Receipt;
  });

  afterAll(async () => {
    await apis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the donor downloads a receipt of the settled donation with both blocks and the config blocks from genesis', () => {
    expect(genesisHash).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt).toMatchObject({ format: 'donation-ledger-receipt/1', donation: { id: donationId, amount: '2500', status: 'settled' }, genesisHash });
    expect(receipt.settlement!.blockNumber).toBeGreaterThan(receipt.pledge.blockNumber);
    expect(receipt.configBlocks[0]!.blockNumber).toBe(0);
    // A size to expect: two blocks of one transaction each and the config blocks.
    console.log(`receipt of ${donationId}: ${JSON.stringify(receipt).length} bytes, config blocks ${receipt.configBlocks.map((b) => b.blockNumber).join(', ')}`);
  });

  test('verifyReceipt accepts it against the published genesis hash, naming the validation flags as the peer\'s word', async () => {
    const result = await verifyReceipt(receipt, { trustedGenesisHash: genesisHash });
    if (!result.ok) throw new Error(`${result.failure.subject}: ${result.failure.detail}`);
    expect(result).toMatchObject({ anchored: true, genesisHash });
    expect(result.transactions.map((t) => [t.role, t.validationCode.name, t.validationCode.signed])).toEqual([['pledge', 'VALID', false], ['settlement', 'VALID', false]]);
    expect(result.checks.filter((c) => c.id === 'orderer-signatures').length).toBeGreaterThanOrEqual(2);
  });

  test('the CLI prints each check and exits 0', () => {
    const run = cli(receipt, '--genesis-hash', genesisHash);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/ok {3}pledge block \d+: orderer-signatures: signed per config block/);
    expect(run.stdout).toContain('VALID: the receipt');
  });

  test('a changed donation amount fails in both: the donation differs from the write set', async () => {
    expect(await verifyReceipt(tamperedAmount(), { trustedGenesisHash: genesisHash })).toMatchObject({
      ok: false, failure: { id: 'donation-write', detail: expect.stringMatching(/^tampered: the donation in the receipt differs from the write set \(amount/) },
    });
    const run = cli(tamperedAmount());
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/INVALID: pledge block \d+: tampered: the donation in the receipt differs from the write set/);
  });

  test('one changed byte in the pledge block fails in both: block data hash mismatch', async () => {
    expect(await verifyReceipt(tamperedBlock())).toMatchObject({ ok: false, failure: { id: 'data-hash', detail: 'tampered: the block data hash does not match its transactions' } });
    const run = cli(tamperedBlock());
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/INVALID: pledge block \d+: tampered: the block data hash does not match/);
  });

  test('another genesis hash fails: the receipt is not of the channel the consortium published', () => {
    const run = cli(receipt, '--genesis-hash', '0'.repeat(64));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('it is not the trusted genesis block');
  });

  test('the CLI exits 2 for a file that is not JSON, another format version, or a missing field', () => {
    expect(cli('not json')).toMatchObject({ status: 2, stderr: expect.stringContaining('is not JSON') });
    expect(cli({ ...receipt, format: 'donation-ledger-receipt/9' })).toMatchObject({ status: 2, stderr: expect.stringContaining('format is "donation-ledger-receipt/9"') });
    expect(cli({ ...receipt, configBlocks: undefined })).toMatchObject({ status: 2, stderr: expect.stringContaining('configBlocks is missing') });
    expect(spawnSync(process.execPath, [CLI], { encoding: 'utf8' })).toMatchObject({ status: 2, stderr: expect.stringContaining('usage: verify-receipt') });
  });

  test('a receipt of an unknown donation is a 404', async () => {
    await request(apis.donor.server).get(`/api/donations/${uniqueId('nodon')}/receipt`).set(auth('donor')).expect(404);
  });

  test('another donor cannot fetch it (403), and nobody without a session (401)', async () => {
    const res = await request(apis.donor.server).get(`/api/donations/${donationId}/receipt`).set(auth('otherDonor')).expect(403);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    await request(apis.donor.server).get(`/api/donations/${donationId}/receipt`).expect(401);
  });
});
