// Backup and restore of a member's site on the shared test network: the NGO's site is backed up
// while the network runs, more is written, then the site is stopped and its folder and ledgers (its
// peer's and its ordering node's) are
// taken away (as a lost disk would), and the archive alone brings it back. Taken away, not
// deleted: whatever happens in the test, afterAll puts the original back if the site is not
// restored, so the test files after this one find the network as they expect it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import { CertificateAuthority, connect, Donation, LedgerClient, loadProfile, profileCa, registrarSecret } from '@donation-ledger/client';
import { dumpTables, Indexer, openStore } from '@donation-ledger/indexer';
import { channelGauges, clientProfile, endpoint, NodeStatus, ordererNodes } from '@donation-ledger/network';
import { cli, connectAs, connectPayments, ensureNgo, give, NETWORK_ARGS, paths, siteProfile, TEST_RUN_DIR, topology, uniqueId } from './harness';

const SITE = 'ngo';
const PEER = 'peer0.ngo';
/** The site's nodes with a ledger of their own: its peer and its ordering node. */
const ORDERER = 'orderer0.ngo';
const LEDGERS = [PEER, ORDERER];
const statusOf = (): NodeStatus[] => JSON.parse(cli(['status', '--json', ...NETWORK_ARGS]).stdout) as NodeStatus[];
const siteNodes = (): NodeStatus[] => statusOf().filter((n) => n.id.endsWith(`.${SITE}`));
const siteDirs = (): string[] => [paths().org(SITE), ...LEDGERS.map((id) => paths().nodeData(id))];

// Archive, passphrase and the site's original files, beside the test network (0700: keys inside).
const work = mkdtempSync(join(dirname(TEST_RUN_DIR), 'backup-test-'));
const archive = join(work, 'ngo.archive');
const passphraseFile = join(work, 'passphrase');
const kept = join(work, 'kept');
writeFileSync(passphraseFile, `${uniqueId('a passphrase for the ngo site')}\n`, { mode: 0o600 });

const backupArgs = (...args: string[]): string[] => [...args, '--site', SITE, '--passphrase-file', passphraseFile, ...NETWORK_ARGS];

/** Reads through the NGO site's own peer only: no other org's gateway to fall back on. */
async function readThroughSite(ids: readonly string[]): Promise<Donation[]> {
  const profile = clientProfile(topology(), paths(), SITE, 'staff1');
  const client = await connect({ ...profile, gateways: profile.gateways.filter((g) => g.mspId === profile.mspId) });
  try {
    return await Promise.all(ids.map((id) => client.readDonation(id)));
  } finally {
    client.close();
  }
}

/**
 * The site's read model, kept in its API data folder as the API keeps it: the height it resumes
 * from (after catching up with the ledger, when asked to) and its tables.
 */
async function siteReadModel(options: { catchUp: boolean }): Promise<{ height: number; tables: unknown }> {
  const client = await connectAs(SITE, 'reader');
  const store = await openStore({ kind: 'embedded', dir: join(paths().apiData(SITE), 'read-model') });
  try {
    const indexer = await Indexer.open({ source: client.blockSource(), store, chaincode: 'donations' });
    const height = options.catchUp ? await indexer.catchUp() : indexer.height;
    return { height, tables: await dumpTables(store) };
  } finally {
    await store.close();
    client.close();
  }
}

async function giveSettled(count: number): Promise<Donation[]> {
  const [donor, payments, admin] = await Promise.all([connectAs('donorplatform', 'donor1'), connectPayments(), connectAs(SITE, 'ngoadmin1')]);
  try {
    await ensureNgo(admin, 'ngo-1');
    const given: Donation[] = [];
    for (let i = 0; i < count; i++) given.push(await give(donor, payments, { id: uniqueId('don'), ngoId: 'ngo-1', amount: 100 + i, currency: 'EUR' }));
    return given;
  } finally {
    for (const c of [donor, payments, admin] as LedgerClient[]) c.close();
  }
}

/** Takes the site away as a lost disk would (nodes stopped, folder and ledger gone from their places). */
function takeSiteAway(): void {
  for (const node of siteNodes().filter((n) => n.pid !== undefined)) expect(cli(['stop', node.id, ...NETWORK_ARGS]).status).toBe(0);
  renameSync(paths().org(SITE), `${kept}-org`);
  for (const id of LEDGERS) renameSync(paths().nodeData(id), `${kept}-${id}`);
}

/** If the site was taken away and not restored: its original files back, and `up` starts it again. */
function putSiteBack(): void {
  if (!existsSync(`${kept}-org`)) return;
  for (const node of siteNodes().filter((n) => n.pid !== undefined)) cli(['stop', node.id, ...NETWORK_ARGS]);
  for (const dir of siteDirs()) rmSync(dir, { recursive: true, force: true });
  renameSync(`${kept}-org`, paths().org(SITE));
  for (const id of LEDGERS) renameSync(`${kept}-${id}`, paths().nodeData(id));
  cli(['up', ...NETWORK_ARGS], { inherit: true });
}

afterAll(() => {
  try {
    putSiteBack();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 240_000);

describe('backup and restore of a site', () => {
  test('a restore over a live site is refused and changes nothing', () => {
    const before = siteNodes().map((n) => `${n.id}:${String(n.pid)}`);
    const listing = readdirSync(paths().org(SITE)).sort();
    writeFileSync(archive, 'not used: the live site is refused first');
    const refused = cli(['restore', '--in', archive, ...backupArgs()]);
    rmSync(archive);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`site ${SITE} is live`);
    expect(siteNodes().map((n) => `${n.id}:${String(n.pid)}`)).toEqual(before);
    expect(readdirSync(paths().org(SITE)).sort()).toEqual(listing);
  });

  test('a passphrase on the command line is refused', () => {
    const refused = cli(['backup', '--out', archive, '--passphrase', 'visible to ps', '--site', SITE, ...NETWORK_ARGS]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('never taken on the command line');
    expect(existsSync(archive)).toBe(false);
  });

  test("a site lost after its backup comes back from the archive alone: every acknowledged record, before and after the backup, is readable through its own peer; its read model comes back; its CA still enrolls; a damaged archive or a wrong passphrase is refused before anything is written", async () => {
    const before = await giveSettled(3);
    const readModel = await siteReadModel({ catchUp: true });
    expect(readModel.height).toBeGreaterThan(0);

    const backupStarted = Date.now();
    const backup = cli(['backup', '--out', archive, ...backupArgs()], { inherit: false });
    expect({ status: backup.status, stderr: backup.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('backed up site ngo') });
    const report = JSON.parse(backup.stdout) as { bytes: number; contentBytes: number; paused: Record<string, number> };
    process.stderr.write(`[backup] archive ${report.bytes} bytes (site files ${report.contentBytes} bytes) in ${((Date.now() - backupStarted) / 1000).toFixed(1)}s; paused ${JSON.stringify(report.paused)}\n`);
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    expect(siteNodes().every((n) => n.healthy)).toBe(true); // the site runs again after its backup

    const after = await giveSettled(3);
    takeSiteAway();
    expect(siteDirs().filter(existsSync)).toEqual([]);

    // Bad archives are refused while the site's place is empty, and it stays empty.
    const damaged = join(work, 'damaged.archive');
    const bytes = readFileSync(archive);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x40;
    writeFileSync(damaged, bytes);
    const corrupt = cli(['restore', '--in', damaged, ...backupArgs()]);
    expect({ status: corrupt.status, error: corrupt.stderr }).toEqual({ status: 2, error: expect.stringContaining('is damaged or was altered') });
    const wrongPassphrase = cli(['restore', '--in', archive, '--site', SITE, ...NETWORK_ARGS], { env: { LEDGER_BACKUP_PASSPHRASE: 'not the passphrase of this archive' } });
    expect({ status: wrongPassphrase.status, error: wrongPassphrase.stderr }).toEqual({ status: 2, error: expect.stringContaining('wrong passphrase') });
    expect(siteDirs().filter(existsSync)).toEqual([]);
    expect(siteNodes().filter((n) => n.pid !== undefined)).toEqual([]);

    const restoreStarted = Date.now();
    const restore = cli(['restore', '--in', archive, ...backupArgs()], { inherit: false });
    expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('restored site ngo') });
    process.stderr.write(`[backup] restored and caught up in ${((Date.now() - restoreStarted) / 1000).toFixed(1)}s: ${restore.stdout}\n`);
    // The site's Raft ordering node is left out, named, and not started: brought back at the
    // backup's point it would go back in its Raft log (see restoreSite). The channel orders on
    // the other two consenters meanwhile, as the reads and writes below show.
    expect((JSON.parse(restore.stdout) as { notRestored: string[] }).notRestored).toEqual([ORDERER]);
    expect(restore.stderr).toContain(`${ORDERER} was not restored: a Raft ordering node must not go back in its log`);
    expect(existsSync(paths().nodeData(ORDERER))).toBe(false);
    expect(siteNodes().filter((n) => !n.id.startsWith('ccaas-bench.')).map((n) => `${n.id}: ${n.healthy ? 'healthy' : 'not healthy'}`)).toEqual([
      'ca.ngo: healthy', `${ORDERER}: not healthy`, 'peer0.ngo: healthy', 'ccaas.ngo: healthy',
    ]);

    const acknowledged = [...before, ...after];
    expect(acknowledged).toHaveLength(6);
    expect(await readThroughSite(acknowledged.map((d) => d.id))).toEqual(acknowledged);

    const profile = loadProfile(siteProfile(SITE));
    const ca = new CertificateAuthority(profileCa(profile));
    const registrar = await ca.enroll(profile.registrar.enrollmentId, registrarSecret(profile));
    const staff = uniqueId('staff');
    const enrolled = await ca.enroll(staff, await ca.register(registrar, { enrollmentId: staff, attrs: { role: 'ngo-staff', ngoId: 'ngo-1' } }));
    expect(new X509Certificate(enrolled.certificate).subject).toContain(`CN=${staff}`);

    // The site's read model (API data) comes back as it was backed up, and resumes from there.
    expect(await siteReadModel({ catchUp: false })).toEqual(readModel);

    // Restored keys keep their modes and belong to the site's user (when sites have users: root).
    const key = join(paths().msp(SITE, PEER), 'keystore', 'key.pem');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(paths().org(SITE)).mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect(statSync(key).uid).toBe(statSync(paths().org(SITE)).uid);
    expect(statSync(key).uid).toBe(statSync(`${kept}-org`).uid);

    // The originals are no longer needed: the site runs from the archive alone.
    for (const suffix of ['org', PEER, ORDERER]) rmSync(`${kept}-${suffix}`, { recursive: true, force: true });
  });

  test('the ordering node left out comes back as a new Raft consenter (out of the consenters, back in, started empty), catches up and orders again', async () => {
    const running = cli(['orderer', 'rejoin', 'orderer0.donorplatform', ...NETWORK_ARGS]);
    expect({ status: running.status, error: running.stderr }).toEqual({ status: 1, error: expect.stringContaining('orderer0.donorplatform is running') });
    const rejoin = cli(['orderer', 'rejoin', ORDERER, ...NETWORK_ARGS], { inherit: false });
    expect({ status: rejoin.status, stderr: rejoin.stderr }).toEqual({ status: 0, stderr: expect.stringContaining(`${ORDERER} is a Raft consenter of`) });
    expect(JSON.parse(rejoin.stdout)).toEqual({ node: ORDERER, updates: 2, seconds: expect.any(Number) as number });
    process.stderr.write(`[backup] ${ORDERER} rejoined: ${rejoin.stdout}\n`);
    expect(siteNodes().find((n) => n.id === ORDERER)?.healthy).toBe(true);
    const node = ordererNodes(topology()).find((n) => n.id === ORDERER);
    const gauges = await channelGauges(endpoint(topology(), node?.operationsPort ?? 0), topology().channel, ['consensus_etcdraft_active_nodes', 'consensus_etcdraft_cluster_size']);
    expect(gauges).toEqual({ consensus_etcdraft_active_nodes: 3, consensus_etcdraft_cluster_size: 3 });
    // It orders: a write goes through with it in the cluster, and a second rejoin is refused (it runs).
    expect(await giveSettled(1)).toHaveLength(1);
    expect(cli(['orderer', 'rejoin', ORDERER, ...NETWORK_ARGS]).status).toBe(1);
  });
});
