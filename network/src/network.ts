// up / down / clean / status of the whole network, in dependency order:
// CAs -> identities -> orderers -> channel -> peers -> chaincode.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateAttribute } from '@donation-ledger/model';
import { API_REGISTRAR, CHAINCODE_TLS_IDENTITY, IdentityRequest, ORG_ADMIN, OrgCa, READER } from './ca';
import { deployOnEveryChannel } from './chaincode';
import { joinOrderers, joinPeers } from './channel';
import { log, retry } from './exec';
import { ensureFabricBinaries } from './fabric-bin';
import { foundChannel } from './founding';
import { channelGauge, channelGauges, gossipPeersKnown, httpGetStatus, isPortFree } from './health';
import { ordererEnv, peerEnv, writeNodeConfig } from './nodes';
import { RunPaths } from './paths';
import { writeSiteProfiles } from './profiles';
import { readRestarts, release, startSupervisor, stopSupervisor } from './supervisor';
import { recordSpec, runningPid, start, stop } from './processes';
import { asSite, explainSiteUsers } from './site-users';
import {
  allPorts, benchServerId, caId, chaincodeServerId, channelViews, endpoint, hostOf, OrdererNode, ordererId, ordererNodes, orderingFaultsTolerated, peerId, SiteConfig, sites,
  Topology,
} from './topology';

export interface NodeStatus {
  readonly id: string;
  readonly kind: 'ca' | 'orderer' | 'peer' | 'chaincode-server';
  readonly endpoint: string;
  readonly pid: number | undefined;
  /** From the node's operations endpoint (/healthz); for chaincode servers, whether the port answers. */
  readonly healthy: boolean;
  /** How often the supervisor restarted it. */
  readonly restarts: number;
}

/**
 * Brings the network up; idempotent: what already runs is left alone, what exists is reused.
 * `fabric` names the release to run (built when missing); without it, the one this run folder
 * already runs, else the install script's preferred one.
 */
export async function up(t: Topology, paths: RunPaths, fabric?: string): Promise<void> {
  const started = Date.now();
  await checkPortsFree(t, paths);
  const bins = ensureFabricBinaries(paths.binDirFile, fabric);
  writeNodeConfig(bins, paths);
  explainSiteUsers(paths, bins.path('peer'));

  log('starting the certificate authorities');
  const cas = sites(t).map((org) => new OrgCa(bins, paths, t, org.name, org.ca));
  await Promise.all(cas.map((ca) => ca.start()));

  log('registering and enrolling identities');
  // Each org's CA enrolls its own identities: the sites do this side by side, as they would.
  await Promise.all(cas.map(async (ca) => {
    ca.writeOrgMsp();
    await ca.enroll(identitiesOf(t, ca.orgName));
  }));

  log('starting the orderers');
  startOrderers(bins.path('orderer'), t, paths);
  await Promise.all(ordererNodes(t).map((n) => waitHealthy(paths, n.id, endpoint(t, n.operationsPort))));

  // Each channel (the main one, then each subset channel) as its own view of the topology: its
  // members, their ordering nodes, its chaincode definition.
  const channels = channelViews(t);
  for (const channel of channels) {
    foundChannel(bins, channel, paths);
    await joinOrderers(bins, channel, paths);
    await waitForOrdering(channel);
  }

  log('starting the peers');
  for (const org of t.orgs) {
    for (const peer of org.peers) startNode(paths, org.name, peerId(org, peer), bins.path('peer'), ['node', 'start'], peerEnv(t, paths, org, peer));
  }
  await Promise.all(
    t.orgs.flatMap((org) => org.peers.map((p) => waitHealthy(paths, peerId(org, p), endpoint(t, p.operationsPort)))),
  );
  for (const channel of channels) {
    await joinPeers(bins, channel, paths);
    await waitForGossip(channel);
  }

  log('deploying the chaincode');
  await deployOnEveryChannel(bins, t, paths);
  writeSiteProfiles(t, paths);
  startSupervisor(paths, join(__dirname, 'cli.js'));
  log(`network is up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** Starts each ordering node (of `nodes`, by default all) on its org's site. */
export function startOrderers(command: string, t: Topology, paths: RunPaths, nodes = ordererNodes(t)): void {
  for (const node of nodes) startNode(paths, node.org.name, node.id, command, [], ordererEnv(t, paths, node));
}

export function identitiesOf(t: Topology, orgName: string): IdentityRequest[] {
  // Ordering nodes: an enrollment certificate with the orderer OU (what block signatures are
  // checked against) and a TLS certificate, both from their own org's CA. Their org's admin needs
  // a TLS client certificate for the nodes' admin endpoints (osnadmin).
  const orderers = (org: SiteConfig): IdentityRequest[] =>
    org.orderers.map((n) => ({ name: ordererId(org, n), type: 'orderer', tls: true }));
  if (t.ordererOrg?.name === orgName) return [...orderers(t.ordererOrg), { name: ORG_ADMIN, type: 'admin', tls: true }];
  const org = t.orgs.find((o) => o.name === orgName);
  if (!org) throw new Error(`unknown org ${orgName}`);
  return [
    ...org.peers.map((p): IdentityRequest => ({ name: peerId(org, p), type: 'peer', tls: true })),
    ...orderers(org),
    { name: ORG_ADMIN, type: 'admin', tls: org.orderers.length > 0 },
    { name: CHAINCODE_TLS_IDENTITY, type: 'client', tls: true, msp: false },
    // The API's registrar: donors and staff are clients with a role (and an NGO); nothing more.
    { name: API_REGISTRAR, type: 'client', tls: false, registrarOf: [CertificateAttribute.Role, CertificateAttribute.NgoId] },
    { name: READER, type: 'client', tls: false },
    ...org.users.map((u): IdentityRequest => ({ name: u.name, type: 'client', attrs: u.attrs, tls: false })),
  ];
}

/** Starts an orderer or peer of `site` (an org's name) as the site's user, with its data folder. */
export function startNode(paths: RunPaths, site: string, id: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const spec = asSite(paths, site, { id, command, args, env, logFile: paths.log(id), pidFile: paths.pid(id), specFile: paths.spec(id) }, [paths.nodeData(id)]);
  if (runningPid(paths.pid(id)) !== undefined) {
    recordSpec(spec);
  } else {
    const pid = start(spec);
    log(`started ${id} (pid ${pid}), log: ${paths.log(id)}`);
  }
  // `up` brings back nodes stopped on purpose too. Released only once its PID file names the
  // running process: released earlier, the supervisor could start a second copy meanwhile, whose
  // PID file would win while the first kept the ports.
  release(paths, id);
}

export async function waitHealthy(paths: RunPaths, id: string, operations: string): Promise<void> {
  await retry(60_000, 250, async () => {
    if (runningPid(paths.pid(id)) === undefined) {
      throw new Error(`${id} exited during start; see the end of ${paths.log(id)}`);
    }
    if ((await httpGetStatus(`http://${operations}/healthz`)) !== 200) throw new Error(`${id} did not become healthy within 60s; see ${paths.log(id)}`);
  });
}

/**
 * A Raft follower learns the leader's count of active consenters from the leader's heartbeats
 * (consensus_etcdraft_active_nodes): equal to the cluster size, the restarted orderer follows a
 * leader that counts every consenter in. Without this, stopping the next orderer could leave
 * the cluster below quorum while this one is still connecting. SmartBFT: every orderer agrees
 * on the view's leader again (waitForOrdering).
 */
export async function waitRejoined(t: Topology, node: { readonly id: string; readonly operations: string }): Promise<void> {
  if (t.ordering.consensus === 'etcdraft') {
    await retry(2 * 60_000, 250, async () => {
      const m = await channelGauges(node.operations, t.channel, ['consensus_etcdraft_active_nodes', 'consensus_etcdraft_cluster_size']);
      if (m.consensus_etcdraft_cluster_size === undefined || m.consensus_etcdraft_active_nodes !== m.consensus_etcdraft_cluster_size) {
        throw new Error(`${node.id} has not rejoined the Raft cluster of ${t.channel} within 2 minutes (active ${m.consensus_etcdraft_active_nodes ?? '-'} of ${m.consensus_etcdraft_cluster_size ?? '-'})`);
      }
    });
  }
  await waitForOrdering(t);
}

/** Until the ordering service can order (a Raft leader; a SmartBFT view with its leader), submits are refused or stall. */
export async function waitForOrdering(t: Topology): Promise<void> {
  if (t.ordering.consensus === 'BFT') await waitForBftLeader(t);
  else await waitForRaftLeader(t);
}

async function waitForRaftLeader(t: Topology): Promise<void> {
  const leader = await retry(60_000, 250, async () => {
    for (const node of ordererNodes(t)) {
      if ((await channelGauge(endpoint(t, node.operationsPort), 'consensus_etcdraft_is_leader', t.channel)) === 1) return node.id;
    }
    throw new Error(`the orderers of ${t.channel} elected no Raft leader within 60s; see the orderer logs`);
  });
  log(`${leader} is the Raft leader of ${t.channel}`);
}

/**
 * SmartBFT has no election: every view has a leader by rule (the consenters in turn) and
 * followers move to the next view when the leader is silent. The orderers are ready once every
 * one of them runs the channel's chain and they agree on the view's leader
 * (`consensus_smartbft_view_leader_id`, which, unlike `consensus_BFT_leader_id`, follows view
 * changes at once rather than at the next block). The cluster size an orderer reports is the one
 * its chain started with: a consenter added or removed by a config update does not change it
 * until a restart, so it is not compared here. Agreement does not prove the orderers have
 * connected to each other; the chaincode deploy that follows is the first real order, and it
 * went through at once in every run here. `nodes`: the consenters to wait for (by default every
 * ordering node of the topology).
 */
export async function waitForBftLeader(t: Topology, nodes: readonly OrdererNode[] = ordererNodes(t)): Promise<void> {
  const leader = await retry(60_000, 250, async () => {
    const seen = await Promise.all(nodes.map(async (node) => {
      const metrics = await channelGauges(endpoint(t, node.operationsPort), t.channel, [
        'consensus_BFT_cluster_size', 'consensus_smartbft_view_leader_id', 'consensus_BFT_is_leader', 'consensus_BFT_leader_id',
      ]);
      const isLeader = metrics.consensus_BFT_is_leader === 1 && metrics.consensus_BFT_leader_id === metrics.consensus_smartbft_view_leader_id;
      return { node, size: metrics.consensus_BFT_cluster_size, leader: metrics.consensus_smartbft_view_leader_id, isLeader };
    }));
    const leaders = new Set(seen.map((s) => s.leader));
    const [id] = leaders;
    if (seen.every((s) => s.size !== undefined) && leaders.size === 1 && id !== undefined && id >= 1) {
      // Consenter IDs follow the topology only until membership changes; the leader says it is one.
      return { id, name: seen.find((s) => s.isLeader)?.node.id ?? `consenter ${id}` };
    }
    throw new Error(`the BFT orderers of ${t.channel} did not agree on a leader within 60s (cluster size and leader per orderer: ` +
      `${seen.map((s) => `${s.node.id}: ${s.size ?? '-'}/${s.leader ?? '-'}`).join(', ')}); see the orderer logs`);
  });
  log(`${leader.name} (consenter ${leader.id}) is the BFT leader of ${t.channel}; ${orderingFaultsTolerated(t)} orderer fault(s) tolerated`);
}

/**
 * The gateway finds other orgs' endorsers through gossip; until every peer knows every other
 * peer of the channel, a transaction that needs several orgs cannot be endorsed.
 */
export async function waitForGossip(t: Topology): Promise<void> {
  const peers = t.orgs.flatMap((org) => org.peers.map((p) => ({ id: peerId(org, p), operations: endpoint(t, p.operationsPort) })));
  await Promise.all(
    peers.map((p) =>
      retry(60_000, 250, async () => {
        const known = await gossipPeersKnown(p.operations, t.channel);
        if (known < peers.length - 1) throw new Error(`${p.id} knows ${known} of the ${peers.length - 1} other peers of ${t.channel} after 60s (gossip)`);
      }),
    ),
  );
  log(`every peer sees the other ${peers.length - 1} peer(s) of ${t.channel} through gossip`);
}

/** Refuses to start anything when a port a stopped node needs is taken by someone else. */
async function checkPortsFree(t: Topology, paths: RunPaths): Promise<void> {
  const taken: string[] = [];
  for (const { port, owner, host } of allPorts(t)) {
    if (runningPid(paths.pid(owner)) !== undefined) continue;
    if (!(await isPortFree(host, port))) taken.push(`${host}:${port} (needed by ${owner})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `cannot start the network: ${taken.length === 1 ? 'this port is' : 'these ports are'} already in use by another program:\n` +
        taken.map((p) => `  - ${p}`).join('\n') +
        '\nStop that program, or change the ports in the topology file.',
    );
  }
}

/** Stops every process this network started (by PID file), chaincode servers and peers first. */
export async function down(paths: RunPaths): Promise<number> {
  await stopSupervisor(paths); // first, or it would restart what is being stopped
  if (!existsSync(paths.pids)) return 0;
  const order = (id: string): number => (id.startsWith('ccaas.') ? 0 : id.startsWith('ca.') ? 3 : /^peer/.test(id) ? 1 : 2);
  const ids = readdirSync(paths.pids)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => f.slice(0, -4))
    .sort((a, b) => order(a) - order(b));
  let stopped = 0;
  for (const group of [0, 1, 2, 3]) {
    const results = await Promise.all(ids.filter((id) => order(id) === group).map((id) => stop(paths.pid(id))));
    stopped += results.filter(Boolean).length;
  }
  log(`stopped ${stopped} process${stopped === 1 ? '' : 'es'}`);
  return stopped;
}

/** Stops the network and removes everything it generated: identities, ledgers, logs. */
export async function clean(paths: RunPaths): Promise<void> {
  await down(paths);
  rmSync(paths.root, { recursive: true, force: true });
  log(`removed ${paths.root}`);
}

export async function status(t: Topology, paths: RunPaths): Promise<NodeStatus[]> {
  const nodes: { id: string; kind: NodeStatus['kind']; port: number; operations?: number }[] = [
    ...sites(t).map((o) => ({ id: caId(o.name), kind: 'ca' as const, port: o.ca.port, operations: o.ca.operationsPort })),
    ...ordererNodes(t).map((n) => ({ id: n.id, kind: 'orderer' as const, port: n.port, operations: n.operationsPort })),
    ...t.orgs.flatMap((o) => o.peers.map((p) => ({ id: peerId(o, p), kind: 'peer' as const, port: p.port, operations: p.operationsPort }))),
    ...t.orgs.map((o) => ({ id: chaincodeServerId(o), kind: 'chaincode-server' as const, port: o.chaincodeServer.port })),
    // The bench's chaincode servers, once `npm run bench` has started them.
    ...t.orgs.flatMap((o) => {
      const port = o.chaincodeServer.benchPort;
      return port !== undefined && existsSync(paths.spec(benchServerId(o))) ? [{ id: benchServerId(o), kind: 'chaincode-server' as const, port }] : [];
    }),
  ];
  const restarts = readRestarts(paths);
  return Promise.all(
    nodes.map(async (n): Promise<NodeStatus> => {
      const pid = runningPid(paths.pid(n.id));
      const healthy =
        pid !== undefined &&
        (n.operations !== undefined
          ? (await httpGetStatus(`http://${endpoint(t, n.operations)}/healthz`)) === 200
          : !(await isPortFree(hostOf(t, n.port), n.port)));
      return { id: n.id, kind: n.kind, endpoint: endpoint(t, n.port), pid, healthy, restarts: restarts[n.id] ?? 0 };
    }),
  );
}
