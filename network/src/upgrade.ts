// Rolling upgrade of the Fabric binaries, the way Fabric's upgrade docs say: one node at a
// time, orderers first, then peers, each back and caught up before the next is touched, while
// the channel keeps working (Raft keeps a quorum with one orderer down; a peer's org is without
// its endorser only for that peer's restart). Capabilities are not touched: they come last, once
// every node runs the new release, and a patch release (3.1.0 -> 3.1.1) brings none.
//
// Everything that could refuse is checked before the first node is stopped, so a refusal changes
// nothing. A node that does not come back stops the upgrade there; running it again resumes, as
// nodes already on the target release are skipped.
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { log, retry } from './exec';
import { binaryVersion, compareVersions, FabricBinaries, installedFabricBinaries, knownFabricBinaries, rememberBinaries } from './fabric-bin';
import { channelGauge, reportedVersion } from './health';
import { ordererChannelInfo, peerHeight } from './heights';
import { status, waitForGossip, waitHealthy, waitRejoined } from './network';
import { Launch, RunPaths, writeLaunch } from './paths';
import { runningCommand, start, StartSpec, stop } from './processes';
import { hold, release } from './supervisor';
import { endpoint, ordererNodes, peerId, Topology } from './topology';

/** An upgrade that cannot go ahead; nothing was changed. */
export class UpgradeRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpgradeRefusal';
  }
}

/** A Fabric node (orderer or peer) and the release it runs. */
export interface NodeVersion {
  readonly id: string;
  readonly kind: 'orderer' | 'peer';
  readonly version: string;
}

export interface NodeUpgradeReport {
  readonly id: string;
  readonly kind: 'orderer' | 'peer';
  readonly from: string;
  readonly to: string;
  /** Seconds to stop it, to have it healthy on the new binary, to have it caught up; and in all. */
  readonly stopSeconds: number;
  readonly healthySeconds: number;
  readonly caughtUpSeconds: number;
  readonly seconds: number;
  /** Its height of the channel once caught up. */
  readonly height: number;
}

export interface UpgradeReport {
  readonly release: string;
  readonly upgraded: readonly NodeUpgradeReport[];
  /** Nodes that already ran the release (an upgrade resumed after a failure). */
  readonly skipped: readonly string[];
  readonly seconds: number;
}

/**
 * Which nodes to upgrade, in order (orderers, then peers, each in topology order except that the
 * ordering service's current leader goes last among the orderers: stopping a leader costs an
 * election and drops what it had not yet ordered, so it should happen once, not at every step),
 * or a refusal: a target that is no newer than what runs, or one that would take any node back.
 */
export function planUpgrade(nodes: readonly NodeVersion[], target: string, leader?: string): NodeVersion[] {
  const newer = nodes.filter((n) => compareVersions(n.version, target) > 0);
  if (newer.length > 0) {
    throw new UpgradeRefusal(`Fabric ${target} is older than what runs (${describe(newer)}): an upgrade never takes a node back; nothing was changed`);
  }
  const older = nodes.filter((n) => compareVersions(n.version, target) < 0);
  if (older.length === 0) {
    throw new UpgradeRefusal(`every node already runs Fabric ${target}: the target is not newer than what runs; nothing was changed`);
  }
  const orderers = older.filter((n) => n.kind === 'orderer');
  return [...orderers.filter((n) => n.id !== leader), ...orderers.filter((n) => n.id === leader), ...older.filter((n) => n.kind === 'peer')];
}

const describe = (nodes: readonly NodeVersion[]): string => nodes.map((n) => `${n.id} runs ${n.version}`).join(', ');

/** A Fabric node of the topology as the upgrade drives it. */
interface FabricNode {
  readonly id: string;
  readonly kind: 'orderer' | 'peer';
  readonly operations: string;
  /** Its height of the channel, asked with the given binaries' CLI. */
  readonly height: (bins: FabricBinaries) => number;
}

function fabricNodes(t: Topology, paths: RunPaths): FabricNode[] {
  return [
    ...ordererNodes(t).map((n): FabricNode => ({
      id: n.id, kind: 'orderer', operations: endpoint(t, n.operationsPort), height: (bins) => ordererChannelInfo(bins, t, paths, n).height,
    })),
    ...t.orgs.flatMap((org) => org.peers.map((p): FabricNode => ({
      id: peerId(org, p), kind: 'peer', operations: endpoint(t, p.operationsPort), height: (bins) => peerHeight(bins, t, paths, org, p),
    }))),
  ];
}

/** Upgrades every orderer, then every peer, to `releaseName`, one at a time; see the file's header. */
export async function upgradeFabric(t: Topology, paths: RunPaths, launch: Launch, releaseName: string): Promise<UpgradeReport> {
  const started = Date.now();
  const target = targetBinaries(releaseName);
  await refuseUnlessEveryNodeIsUp(t, paths);
  const nodes = fabricNodes(t, paths);
  const running = nodes.map((n): NodeVersion => ({ id: n.id, kind: n.kind, version: runningVersion(paths, n.id) }));
  const plan = planUpgrade(running, target.version, await raftLeader(t));
  log(`upgrading ${plan.length} node(s) to Fabric ${target.version}, one at a time: ${plan.map((n) => `${n.id} (${n.version})`).join(', ')}`);
  const upgraded: NodeUpgradeReport[] = [];
  for (const [i, planned] of plan.entries()) {
    const node = nodes.find((n) => n.id === planned.id);
    if (!node) throw new Error(`no node ${planned.id}`); // cannot happen: the plan comes from nodes
    log(`[${i + 1}/${plan.length}] ${node.id} (${node.kind}): ${planned.version} -> ${target.version}`);
    upgraded.push(await upgradeNode(t, paths, nodes, node, planned.version, target));
  }
  // Later commands (up, deploy, the supervisor's restarts) use the new release from now on.
  rememberBinaries(paths.binDirFile, target.bins.binDir);
  writeLaunch(paths, { ...launch, fabric: target.version });
  const report = { release: target.version, upgraded, skipped: running.filter((n) => !plan.includes(n)).map((n) => n.id), seconds: (Date.now() - started) / 1000 };
  log(`every orderer and peer runs Fabric ${target.version}; ${upgraded.length} node(s) upgraded in ${report.seconds.toFixed(1)}s. ` +
    'Channel capabilities were not changed: raise them (a config update) only when a release needs it, after every node runs it');
  return report;
}

interface Target {
  readonly bins: FabricBinaries;
  readonly version: string;
}

/** The installed binaries of the release, and the version they report (peer and orderer alike). */
function targetBinaries(releaseName: string): Target {
  const found = installedFabricBinaries(releaseName);
  if (!(found instanceof FabricBinaries)) throw new UpgradeRefusal(`${found.message}; nothing was changed`);
  const versions = ['peer', 'orderer'].map((cmd) => binaryVersion(found.path(cmd)));
  const [peer, orderer] = versions;
  if (peer !== orderer || peer === undefined) throw new UpgradeRefusal(`the binaries in ${found.binDir} disagree about their version (peer ${peer ?? '?'}, orderer ${orderer ?? '?'}); nothing was changed`);
  if (compareVersions(peer, releaseName) !== 0) {
    throw new UpgradeRefusal(`the binaries installed for Fabric ${releaseName} (${found.binDir}) say they are ${peer}; nothing was changed`);
  }
  return { bins: found, version: peer };
}

/** Every node of the network (CAs and chaincode servers too) must run and be healthy before one is stopped. */
async function refuseUnlessEveryNodeIsUp(t: Topology, paths: RunPaths): Promise<void> {
  const notUp = (await status(t, paths)).filter((n) => n.pid === undefined || !n.healthy);
  if (notUp.length > 0) {
    throw new UpgradeRefusal(`${notUp.map((n) => `${n.id} is ${n.pid === undefined ? 'down' : 'unhealthy'}`).join(', ')}: ` +
      `a rolling upgrade starts only from a whole network (bring it up with: npm run network -- up --run-dir ${paths.root}); nothing was changed`);
  }
}

/** The release of the binary a node's process was started from (its `version` output). */
function runningVersion(paths: RunPaths, id: string): string {
  const command = runningCommand(paths.pid(id));
  if (command === undefined) throw new UpgradeRefusal(`${id} is down; nothing was changed`);
  return binaryVersion(command);
}

/** Stops the node (held, so the supervisor leaves it), starts it on the new binary, waits until it is healthy and caught up. */
async function upgradeNode(t: Topology, paths: RunPaths, nodes: readonly FabricNode[], node: FabricNode, from: string, target: Target): Promise<NodeUpgradeReport> {
  const started = Date.now();
  const spec = JSON.parse(readFileSync(paths.spec(node.id), 'utf8')) as StartSpec;
  hold(paths, node.id); // first, or the supervisor would restart the old binary
  await stop(paths.pid(node.id));
  const stopSeconds = since(started);
  log(`  stopped in ${stopSeconds.toFixed(1)}s; starting ${target.bins.path(basename(spec.command))}`);
  // The new spec is what the supervisor restarts it from, should it crash later.
  start({ ...spec, command: target.bins.path(basename(spec.command)) });
  release(paths, node.id);
  await waitHealthy(paths, node.id, node.operations);
  const reported = await reportedVersion(node.operations);
  if (reported !== target.version) throw new Error(`${node.id} came back reporting Fabric ${reported ?? '(nothing)'} on /version, not ${target.version}; see ${paths.log(node.id)}`);
  const healthySeconds = since(started);
  log(`  healthy on Fabric ${reported} (/healthz, /version) after ${healthySeconds.toFixed(1)}s`);
  const height = await waitCaughtUp(t, nodes, node, target.bins);
  const seconds = since(started);
  log(`  caught up at block height ${height} after ${seconds.toFixed(1)}s`);
  return { id: node.id, kind: node.kind, from, to: target.version, stopSeconds, healthySeconds, caughtUpSeconds: seconds, seconds, height };
}

/**
 * Until the node has every block the orderers had once it was back (the other orderers, for an
 * orderer), then until the channel is whole again: for an orderer, back in the consensus (see
 * waitRejoined) before the next one is stopped; for a peer, gossip between every pair of peers
 * (the gateways find other orgs' endorsers through it).
 */
async function waitCaughtUp(t: Topology, nodes: readonly FabricNode[], node: FabricNode, bins: FabricBinaries): Promise<number> {
  const references = nodes.filter((n) => n.kind === 'orderer' && n.id !== node.id);
  const goal = Math.max(...references.map((n) => n.height(bins)));
  let lastReport = Date.now();
  const height = await retry(5 * 60_000, 500, () => {
    const h = node.height(bins);
    if (Date.now() - lastReport > 3000) {
      log(`  ${node.id} at block height ${h} of ${goal}`);
      lastReport = Date.now();
    }
    if (h < goal) throw new Error(`${node.id} did not catch up within 5 minutes: block height ${h} of ${goal}`);
    return h;
  });
  if (node.kind === 'orderer') await waitRejoined(t, node);
  else await waitForGossip(t);
  return height;
}

/** The Raft leader of the channel, if the orderers have one (SmartBFT: undefined, its leader rotates by view). */
async function raftLeader(t: Topology): Promise<string | undefined> {
  if (t.ordering.consensus !== 'etcdraft') return undefined;
  for (const node of ordererNodes(t)) {
    if ((await channelGauge(endpoint(t, node.operationsPort), 'consensus_etcdraft_is_leader', t.channel)) === 1) return node.id;
  }
  return undefined;
}

const since = (started: number): number => (Date.now() - started) / 1000;

/**
 * `up --fabric X` on a run folder whose network runs another release would start stopped nodes
 * on X beside running ones on the old release, unchecked: changing the release is upgrade's job.
 */
export function refuseReleaseChange(paths: RunPaths, wanted: string | undefined): void {
  const known = knownFabricBinaries(paths.binDirFile);
  if (wanted === undefined || !known) return;
  const runs = binaryVersion(known.path('peer'));
  if (compareVersions(runs, wanted) !== 0) {
    throw new UpgradeRefusal(`the network in ${paths.root} runs Fabric ${runs}: 'up' does not change its release; ` +
      `'upgrade --to ${wanted}' does, node by node (or 'clean' for a new network); nothing was changed`);
  }
}
