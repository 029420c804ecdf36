// Backup and restore of one org's site: its folder (CA database and keys, identities, profile,
// API data) and the ledgers of its nodes (its ordering nodes and peers), in one
// encrypted archive (archive.ts).
//
// Consistency: each node whose files are copied is stopped for its copy and started again before
// the next one (the CA for the site folder, then each peer or orderer). A stopped node's files are
// what it would restart from, so every copy is a state the node itself accepts; the copy goes to
// a staging folder on the same disk, so a node is down only for a local copy, and the slow part
// (compressing, encrypting) runs while it is back up. Fabric's ledger snapshots were not used: a
// peer joined from a snapshot has no blocks, history or private data from before it, so the
// site's own peer could no longer serve its records' histories or the read model's replay.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { extractArchive, MIN_PASSPHRASE_LENGTH, writeArchive } from './archive';
import { OrgCa } from './ca';
import { startRecordedChaincodeServers } from './chaincode';
import { log, retry } from './exec';
import { ensureFabricBinaries, FabricBinaries } from './fabric-bin';
import { channelGauge } from './health';
import { startNode, waitForGossip, waitHealthy, waitRejoined } from './network';
import { peerHeight } from './heights';
import { ordererEnv, peerEnv, writeNodeConfig } from './nodes';
import { createRunFolder, readLaunch, RunPaths } from './paths';
import { runningPid, start, StartSpec, stop } from './processes';
import { handOverSite } from './site-users';
import { hold, release } from './supervisor';
import { benchServerId, CaConfig, caId, chaincodeServerId, endpoint, OrdererNode, ordererNodes, PeerOrgConfig, peerId, sites, Topology } from './topology';

/** What the archive's manifest says about the site it holds. */
export interface BackupManifest {
  readonly format: 'donation-ledger site backup';
  readonly site: string;
  readonly mspId: string;
  readonly channel: string;
  /** The nodes whose ledgers it holds. */
  readonly ledgers: readonly string[];
  readonly createdAt: string;
}

/** A restore or backup that cannot go ahead; nothing was changed. */
export class SiteBackupRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteBackupRefusal';
  }
}

interface LedgerNode {
  readonly id: string;
  readonly kind: 'peer' | 'orderer';
  readonly operations: string;
}

/** One org's site as backup and restore see it: its CA, the nodes with ledgers, its other servers. */
export interface Site {
  readonly name: string;
  readonly mspId: string;
  readonly host: string;
  readonly ca: CaConfig;
  readonly ledgers: readonly LedgerNode[];
  /** Chaincode servers: no state of their own (their package IDs are in the site folder). */
  readonly servers: readonly string[];
  /** The application org, for a member site; undefined for an orderer-only org. */
  readonly org: PeerOrgConfig | undefined;
}

export function siteOf(t: Topology, name: string): Site {
  const site = sites(t).find((o) => o.name === name);
  if (!site) throw new SiteBackupRefusal(`unknown site "${name}"; the sites are: ${sites(t).map((o) => o.name).join(', ')}`);
  const org = t.orgs.find((o) => o === site);
  const orderers = ordererNodes(t).filter((n) => n.org === site)
    .map((n): LedgerNode => ({ id: n.id, kind: 'orderer', operations: endpoint(t, n.operationsPort) }));
  return {
    name, mspId: site.mspId, host: site.host, ca: site.ca, org,
    ledgers: [...orderers, ...(org ? org.peers.map((p): LedgerNode => ({ id: peerId(org, p), kind: 'peer', operations: endpoint(t, p.operationsPort) })) : [])],
    servers: org ? [chaincodeServerId(org), ...(org.chaincodeServer.benchPort === undefined ? [] : [benchServerId(org)])] : [],
  };
}

export interface BackupReport {
  readonly file: string;
  readonly bytes: number;
  /** Bytes of the site's files before compression. */
  readonly contentBytes: number;
  readonly seconds: number;
  /** How long each node was stopped for its copy, in seconds. */
  readonly paused: Readonly<Record<string, number>>;
}

/** Writes the site's archive to `out` (which must not exist) while the network runs. */
export async function backupSite(t: Topology, paths: RunPaths, name: string, options: { out: string; passphrase: string }): Promise<BackupReport> {
  const started = Date.now();
  const site = siteOf(t, name);
  if (!existsSync(paths.org(name))) throw new SiteBackupRefusal(`site ${name} has no folder at ${paths.org(name)}: nothing to back up`);
  if (existsSync(options.out)) throw new SiteBackupRefusal(`${options.out} exists: a backup never overwrites a file`);
  if (options.passphrase.length < MIN_PASSPHRASE_LENGTH) throw new SiteBackupRefusal(`the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
  warnIfApiRuns(paths, name);
  // Plain copies of keys and ledgers: inside the run folder (the owner's only, same disk), 0700.
  const staging = mkdtempSync(join(paths.root, `.backup-${name}-`));
  const paused: Record<string, number> = {};
  try {
    const caHealth = `${site.host}:${site.ca.operationsPort}`;
    paused[caId(name)] = await copyWhileStopped(paths, caId(name), caHealth, paths.org(name), join(staging, 'org'));
    for (const node of site.ledgers) {
      paused[node.id] = await copyWhileStopped(paths, node.id, node.operations, paths.nodeData(node.id), join(staging, 'data', node.id));
      // An ordering node back from its pause must follow the cluster again before the next pause,
      // and before the backup says it is done: until then submits can find no leader.
      if (node.kind === 'orderer' && runningPid(paths.pid(node.id)) !== undefined) await waitRejoined(t, node);
    }
    const manifest: BackupManifest = {
      format: 'donation-ledger site backup', site: name, mspId: site.mspId, channel: t.channel, ledgers: site.ledgers.map((n) => n.id), createdAt: new Date().toISOString(),
    };
    const roots = [{ name: 'org', dir: join(staging, 'org') }, ...site.ledgers.map((n) => ({ name: `data/${n.id}`, dir: join(staging, 'data', n.id) }))];
    log(`compressing and encrypting into ${options.out}`);
    const summary = await writeArchive(options.out, options.passphrase, manifest, roots, { progress: (bytes) => log(`  ${mib(bytes)} archived`) });
    const report = { file: options.out, bytes: statSync(options.out).size, contentBytes: summary.bytes, seconds: (Date.now() - started) / 1000, paused };
    log(`backed up site ${name}: ${summary.entries} files and folders, ${mib(summary.bytes)} -> ${mib(report.bytes)} in ${report.seconds.toFixed(1)}s`);
    return report;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Copies a node's files while it is stopped, then starts it again the way it was started and
 * waits until it is healthy. A node that was not running is copied as it is and left stopped.
 * Returns the seconds it was down.
 */
async function copyWhileStopped(paths: RunPaths, id: string, operations: string, from: string, to: string): Promise<number> {
  const wasRunning = runningPid(paths.pid(id)) !== undefined;
  const stoppedAt = Date.now();
  if (wasRunning) {
    log(`stopping ${id} for its copy`);
    hold(paths, id); // first, or the supervisor would restart it during the copy
    await stop(paths.pid(id));
  }
  try {
    mkdirSync(to, { recursive: true, mode: 0o700 });
    if (existsSync(from)) cpSync(from, to, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false });
  } finally {
    if (wasRunning) await startAsBefore(paths, id, operations);
  }
  const seconds = (Date.now() - stoppedAt) / 1000;
  log(wasRunning ? `${id} copied and running again after ${seconds.toFixed(1)}s` : `${id} was not running: copied as it is, left stopped`);
  return seconds;
}

/** Starts a node from the spec it was last started with (the supervisor's record) and waits for /healthz. */
async function startAsBefore(paths: RunPaths, id: string, operations: string): Promise<void> {
  const spec = JSON.parse(readFileSync(paths.spec(id), 'utf8')) as StartSpec;
  start(spec);
  release(paths, id);
  await waitHealthy(paths, id, operations);
}

/**
 * The API keeps accounts in an embedded PostgreSQL (PGlite) under the site folder, which is not
 * copied consistently while an API process writes to it. The API is not one of the network's
 * nodes (npm start runs it), so the backup cannot stop it; it says so when one has files open.
 */
function warnIfApiRuns(paths: RunPaths, name: string): void {
  const dir = `${paths.apiData(name)}/`;
  const users = new Set<number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(dir))) users.add(Number(pid));
    } catch {
      // gone, or not ours to look at
    }
  }
  if (users.size > 0) log(`WARNING: process(es) ${[...users].join(', ')} have files open in ${dir}: stop the site's API for a consistent copy of its accounts database`);
}

export interface RestoreReport {
  readonly seconds: number;
  /** Until the archive was checked and written out. */
  readonly extractedAfter: number;
  /** The height of the site's peers' chain once caught up (peer sites). */
  readonly height: number | undefined;
  /** Raft ordering nodes of the site left out (see restoreSite). */
  readonly notRestored: readonly string[];
}

/**
 * Rebuilds the site from an archive where it has no folder, no node data and no node running,
 * then starts its nodes, which catch up with the channel from the orderers. The archive is read
 * through (authenticity, paths, that it holds this site) before anything is written.
 */
export async function restoreSite(t: Topology, paths: RunPaths, name: string, options: { archive: string; passphrase: string }): Promise<RestoreReport> {
  const started = Date.now();
  const site = siteOf(t, name);
  refuseLiveSite(paths, site);
  // A Raft consenter must never go back in its log: brought back as it was at the backup, it lags
  // what the leader knows it acknowledged, and it panics ("tocommit(N) is out of range"). Fabric's
  // way back for such a node is to take it out of the consenter set and add it again (two config
  // updates: rejoinConsenter), so its ledger is not written out and the node is not started.
  const skipped = t.ordering.consensus === 'etcdraft' ? site.ledgers.filter((n) => n.kind === 'orderer').map((n) => n.id) : [];
  const restored: Site = { ...site, ledgers: site.ledgers.filter((n) => !skipped.includes(n.id)) };
  const ledgerIds = new Set(restored.ledgers.map((n) => n.id));
  const discarded = join(paths.root, `.restore-discarded-${process.pid}`);
  const targetOf = (path: string): string => {
    const [root, id, ...rest] = path.split('/');
    if (root === 'org') return join(paths.org(name), ...[id, ...rest].filter((s): s is string => s !== undefined));
    if (root === 'data' && id !== undefined && ledgerIds.has(id)) return join(paths.nodeData(id), ...rest);
    if (root === 'data' && id !== undefined && skipped.includes(id)) return join(discarded, id, ...rest);
    throw new SiteBackupRefusal(`the archive holds ${path}, which is not part of site ${name}`);
  };
  log(`checking ${options.archive} (authenticity, contents) before writing anything`);
  const summary = await extractArchive(options.archive, options.passphrase, targetOf, (manifest) => {
    checkManifest(manifest, site);
    log('the archive is intact and holds this site: writing it out');
    createRunFolder(paths.root);
    // The roots are empty (refuseLiveSite): made again by the archive's own records.
    for (const dir of [paths.org(name), ...site.ledgers.map((n) => paths.nodeData(n.id))]) rmSync(dir, { recursive: true, force: true });
    for (const dir of [paths.org('x'), paths.nodeData('x')]) mkdirSync(join(dir, '..'), { recursive: true });
    mkdirSync(discarded, { recursive: true, mode: 0o700 });
  });
  rmSync(discarded, { recursive: true, force: true });
  handOverSite(paths, name, restored.ledgers.map((n) => paths.nodeData(n.id)));
  const extractedAfter = (Date.now() - started) / 1000;
  log(`wrote ${summary.entries} files and folders (${mib(summary.bytes)}) in ${extractedAfter.toFixed(1)}s; starting the site's nodes`);
  const height = await startSite(t, paths, restored);
  const seconds = (Date.now() - started) / 1000;
  log(`restored site ${name} in ${seconds.toFixed(1)}s${height === undefined ? '' : `; its peers are at block height ${height}, as the orderers`}`);
  for (const id of skipped) {
    log(`WARNING: ${id} was not restored: a Raft ordering node must not go back in its log. The channel orders on the other consenters; ` +
      `to run it again, take it out of the consenter set and add it back: ledger-network orderer rejoin ${id} (docs/operations.md)`);
  }
  return { seconds, extractedAfter, height, notRestored: skipped };
}

/** Refuses when any node of the site runs or its folder or a node's data folder holds anything. */
export function refuseLiveSite(paths: RunPaths, site: Site): void {
  const ids = [caId(site.name), ...site.ledgers.map((n) => n.id), ...site.servers];
  const running = ids.filter((id) => runningPid(paths.pid(id)) !== undefined);
  if (running.length > 0) {
    throw new SiteBackupRefusal(`site ${site.name} is live: ${running.join(', ')} ${running.length === 1 ? 'runs' : 'run'}. A restore rebuilds a lost site; stop its nodes first (npm run network -- stop <node>) if it is really to be replaced`);
  }
  const used = [paths.org(site.name), ...site.ledgers.map((n) => paths.nodeData(n.id))].filter((dir) => existsSync(dir) && readdirSync(dir).length > 0);
  if (used.length > 0) throw new SiteBackupRefusal(`site ${site.name} is not empty: ${used.join(', ')} ${used.length === 1 ? 'holds' : 'hold'} files. A restore writes only into an empty place; move them away first`);
}

function checkManifest(manifest: unknown, site: Site): void {
  const m = manifest as Partial<BackupManifest> | undefined;
  if (m?.format !== 'donation-ledger site backup') throw new SiteBackupRefusal('the archive holds no site backup manifest');
  if (m.site !== site.name || m.mspId !== site.mspId) throw new SiteBackupRefusal(`the archive is a backup of site ${String(m.site)} (${String(m.mspId)}), not of ${site.name} (${site.mspId})`);
}

/** Starts the site's CA, ledger nodes and chaincode servers; waits until its peers have caught up. */
async function startSite(t: Topology, paths: RunPaths, site: Site): Promise<number | undefined> {
  // On a new machine the run folder names no binaries yet: the release `up` recorded, if any.
  const bins = ensureFabricBinaries(paths.binDirFile, readLaunch(paths)?.fabric);
  if (!existsSync(join(paths.config, 'core.yaml'))) writeNodeConfig(bins, paths);
  await new OrgCa(bins, paths, t, site.name, site.ca).start();
  for (const node of site.ledgers) {
    if (node.kind === 'orderer') {
      const config: OrdererNode | undefined = ordererNodes(t).find((n) => n.id === node.id);
      if (config) startNode(paths, site.name, node.id, bins.path('orderer'), [], ordererEnv(t, paths, config));
    } else if (site.org) {
      const peer = site.org.peers.find((p) => peerId(site.org as PeerOrgConfig, p) === node.id);
      if (peer) startNode(paths, site.name, node.id, bins.path('peer'), ['node', 'start'], peerEnv(t, paths, site.org, peer));
    }
  }
  await Promise.all(site.ledgers.map((n) => waitHealthy(paths, n.id, n.operations)));
  if (!site.org) {
    log(`the orderers of ${site.name} are up; they catch up from the other orderers of ${t.channel}`);
    return undefined;
  }
  const servers = await startRecordedChaincodeServers(t, paths, site.org);
  log(`started ${servers.join(', ') || 'no chaincode server'}`);
  const height = await waitCaughtUp(bins, t, paths, site.org);
  await waitForGossip(t);
  return height;
}

/** Until each of the org's peers has the height the orderers report (progress every few seconds). */
async function waitCaughtUp(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig): Promise<number> {
  const heights = await Promise.all(ordererNodes(t).map((n) => channelGauge(endpoint(t, n.operationsPort), 'ledger_blockchain_height', t.channel)));
  const target = Math.max(0, ...heights.filter((h): h is number => h !== undefined));
  let lastReport = 0;
  for (const peer of org.peers) {
    await retry(10 * 60_000, 500, () => {
      const height = peerHeight(bins, t, paths, org, peer);
      if (Date.now() - lastReport > 3000) {
        log(`  ${peerId(org, peer)} at block height ${height} of ${target}`);
        lastReport = Date.now();
      }
      if (height < target) throw new Error(`${peerId(org, peer)} did not catch up within 10 minutes: height ${height} of ${target}`);
    });
  }
  return target;
}
