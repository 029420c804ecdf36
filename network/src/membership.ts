// Adding an org to the running channel and taking one out: the operator's side of membership
// governance. Each step prints progress; each is safe to run again after a failure (an org
// already in the channel config is not added twice, a peer already joined is not joined again).
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvitedOrg } from '@donation-ledger/model';
import { OrgCa } from './ca';
import { deployChaincode } from './chaincode';
import {
  applicationOrgs, bftConsenterOf, bftConsenters, bftQuorum, ChannelConfig, channelHeight, consensusOf, consentersOf, createUpdateEnvelope, fetchChannelConfig, isConsenter,
  majorityOf, orgConfigGroup, ordererOrgConfigGroup, ordererOrgs, raftBlockValidation, raftConsenterOf, readPem, updateChannelConfig, withBftConsenter, withoutConsenter,
  unusedBftConsenterId, withoutOrdererOrg,
} from './channel-config';
import { SignatureFile, submitUpdate } from './config-signatures';
import { joinOrderers, joinPeers } from './channel';
import { JoinMode, joinPeersBySnapshot, SNAPSHOT_JOIN_MIN_HEIGHT, takeSnapshot } from './snapshots';
import { log, retry } from './exec';
import { ensureFabricBinaries, FabricBinaries } from './fabric-bin';
import { isFounder, loadEffectiveTopology, loadNewOrg, NewOrg, recordAdded, recordRemoved } from './members';
import { identitiesOf, startNode, startOrderers, waitForBftLeader, waitForGossip, waitForOrdering, waitHealthy, waitRejoined } from './network';
import { peerEnv, writeNodeConfig } from './nodes';
import { RunPaths } from './paths';
import { writeSiteProfiles } from './profiles';
import { runningPid, stop } from './processes';
import { hold } from './supervisor';
import { channelGauge } from './health';
import {
  benchServerId, caId, chaincodeServerId, endpoint, isChannelPolicy, MIN_ORDERERS, mspIdsInPolicy, ordererId, OrdererNode, ordererNodes, PeerOrgConfig, peerId,
  SiteConfig, sites, Topology,
} from './topology';

/** Where the files of one network live and how its topology is read. */
export interface NetworkLocation {
  readonly topologyFile: string;
  readonly paths: RunPaths;
  readonly portOffset: number;
  /** The channel a command acts on, when not the main one: a subset channel of the topology. */
  readonly channel?: string;
}

/**
 * What a proposal to invite an org carries: who it is and the roots of trust its certificates
 * chain to (the model's InvitedOrg; here both roots are the org's one CA).
 */
export type OrgIdentity = InvitedOrg;

export class MembershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MembershipError';
  }
}

const effective = (at: NetworkLocation): Topology => loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset);

/**
 * Brings up a prospective org's CA and enrolls its identities (admin, peers, users, chaincode
 * server TLS), without touching the channel. Returns what a proposal to invite it must carry.
 */
export async function prepareOrg(
  at: NetworkLocation, specFile: string, bins = ensureFabricBinaries(at.paths.binDirFile), options: { resume?: boolean } = {},
): Promise<{ newOrg: NewOrg; identity: OrgIdentity }> {
  const newOrg = loadNewOrg(specFile, at.topologyFile, at.paths, at.portOffset, options);
  const { org, topology } = newOrg;
  writeNodeConfig(bins, at.paths);
  const ca = new OrgCa(bins, at.paths, topology, org.name, org.ca);
  await ca.start();
  ca.writeOrgMsp();
  await ca.enroll(identitiesOf(topology, org.name));
  return { newOrg, identity: orgIdentity(at.paths, org) };
}

/** The org's roots of trust as they are in its run folder (after `prepareOrg`). */
export function orgIdentity(paths: RunPaths, org: PeerOrgConfig): OrgIdentity {
  const cert = paths.caCert(org.name);
  if (!existsSync(cert)) throw new MembershipError(`org ${org.name} has not been prepared (no ${cert}); run "ledger-network org prepare <spec>" first`);
  const pem = readPem(cert);
  return { name: org.name, mspId: org.mspId, caRootCert: pem, tlsRootCert: pem };
}

/**
 * Adds the org of `specFile` to the channel: a config update signed by a majority of the current
 * members' admins, then its peers started and joined (from genesis, or from a member's ledger
 * snapshot: `join`), caught up with the channel, the chaincode definition approved for it and
 * its chaincode server started.
 */
export async function addOrgToChannel(at: NetworkLocation, specFile: string, signed?: SignedUpdate, join: JoinMode = 'auto'): Promise<Topology> {
  const started = Date.now();
  const bins = ensureFabricBinaries(at.paths.binDirFile);
  const current = effective(at);
  // Run again after it stopped half-way, it finishes the steps left (each skips what is done).
  const { newOrg } = await prepareOrg(at, specFile, bins, { resume: true });
  const { org, topology } = newOrg;
  const workDir = at.paths.configUpdate(`add-${org.name}-${Date.now()}`);
  if (current.orgs.some((o) => o.name === org.name)) log(`${org.mspId} is a member already (an earlier "org add" of this spec); finishing the steps it left`);

  const change = additionChange(bins, at, current, newOrg, workDir);
  const newNodes = ordererNodes(topology).filter((n) => n.org === org);
  // Every check that can refuse comes before the first config update.
  const config = change?.original ?? fetchChannelConfig(bins, current, at.paths, firstMember(current), workDir);
  const later = newNodes.filter((n) => !consentersOf(change?.updated ?? config).some((c) => isConsenter(c, n)));
  if (signed) refuseLaterConsenters(org, later);
  if (consensusOf(config) === 'BFT' && later.length > 0) await checkBftGrowth(current, config, later.length);

  if (!change) {
    log(`${org.mspId} is already in the config of channel ${current.channel}; going on with its nodes`);
  } else {
    const signers = await applyChange(bins, at, current, change, [], signed, workDir);
    log(`${org.mspId} is a member of channel ${current.channel} (signed by ${signers})`);
  }
  // From here on the org is a member: every command (up, status, down) includes it.
  recordAdded(at.paths, newOrg.spec);
  await startNewOrderers(bins, at, current, topology, newNodes, at.paths.configUpdate(`join-${org.name}-orderers-${Date.now()}`));

  log(`starting the peers of ${org.name}`);
  for (const peer of org.peers) startNode(at.paths, org.name, peerId(org, peer), bins.path('peer'), ['node', 'start'], peerEnv(topology, at.paths, org, peer));
  await Promise.all(org.peers.map((p) => waitHealthy(at.paths, peerId(org, p), endpoint(topology, p.operationsPort))));
  await joinNewPeers(bins, topology, at.paths, org, firstMember(current), join);
  await waitForCatchUp(bins, topology, at.paths, org);
  await waitForGossip(topology);

  log(`deploying the chaincode for ${org.name}`);
  await deployChaincode(bins, topology, at.paths, { keepCommitted: true });
  writeSiteProfiles(topology, at.paths); // every member's failover list now has the new org's peers
  log(`${org.name} (${org.mspId}) joined channel ${topology.channel} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return topology;
}

/**
 * Joins a new org's peers: from genesis on a short chain, from a snapshot a member's peer takes
 * on a long one (`auto`: SNAPSHOT_JOIN_MIN_HEIGHT blocks or more), or as `join` says.
 */
async function joinNewPeers(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, member: PeerOrgConfig, join: JoinMode): Promise<void> {
  const height = channelHeight(bins, t, paths, member);
  const bySnapshot = join === 'snapshot' || (join === 'auto' && height >= SNAPSHOT_JOIN_MIN_HEIGHT);
  log(`joining ${org.name}'s peers to ${t.channel} (height ${height}) ${bySnapshot ? `from a snapshot of ${member.name}'s peer` : 'from the genesis block'}`);
  if (bySnapshot) await joinPeersBySnapshot(bins, t, paths, org, await takeSnapshot(bins, t, paths, member));
  else await joinPeers(bins, t, paths, [org]);
}

/**
 * A config update signed on other sites: the envelope they signed (`config-update sign`) and their
 * signature files; the submitter, a member whose admin is on this site, adds its own signature.
 */
export interface SignedUpdate {
  readonly envelopeFile: string;
  readonly signatures: readonly SignatureFile[];
  readonly submitter: PeerOrgConfig;
}

export interface ConfigChange {
  readonly original: ChannelConfig;
  readonly updated: ChannelConfig;
  /**
   * The orgs whose admins must sign, as groups each needing a MAJORITY: the Application group's
   * members, and, when the change touches the Orderer group, the orgs that run ordering nodes.
   */
  readonly majorities: readonly (readonly string[])[];
  readonly what: string;
  /** False for a step of a removal that needs more config updates after it (one Raft consenter each). */
  readonly final: boolean;
}

/**
 * The channel config with the new org added; undefined when it is in the config already. An org
 * that brings ordering nodes joins the Orderer group too (its MSP, policies and the nodes'
 * endpoints), in the same update. Raft: its first node joins the consenters and its MSP the
 * BlockValidation policy in that update as well; SmartBFT: its nodes first join the channel as
 * followers, and each becomes a consenter in an update of its own once it has caught up
 * (consenterAdditionChange), as Fabric's BFT reconfiguration guide says: the quorum never
 * counts a node that is still pulling blocks.
 */
function additionChange(bins: FabricBinaries, at: NetworkLocation, current: Topology, newOrg: NewOrg, workDir: string): ConfigChange | undefined {
  const { org, topology } = newOrg;
  const config = fetchChannelConfig(bins, current, at.paths, firstMember(current), workDir);
  const inConfig = applicationOrgs(config);
  if (inConfig.includes(org.mspId)) return undefined;
  const updated = structuredClone(config);
  updated.channel_group.groups.Application.groups[org.mspId] = orgConfigGroup(bins, topology, at.paths, org, workDir);
  const nodes = ordererNodes(topology).filter((n) => n.org === org);
  const [node] = nodes;
  if (!node) return { original: config, updated, majorities: [inConfig], what: `add ${org.mspId}`, final: true };
  const orderer = updated.channel_group.groups.Orderer;
  orderer.groups[org.mspId] = ordererOrgConfigGroup(bins, topology, at.paths, org, workDir);
  const majorities = [inConfig, ordererOrgs(config)];
  const names = nodes.map((n) => n.id).join(', ');
  if (consensusOf(config) === 'BFT') {
    return { original: config, updated, majorities, what: `add ${org.mspId} (its ordering node(s) ${names} become BFT consenters after they caught up)`, final: true };
  }
  orderer.values.ConsensusType.value.metadata?.consenters?.push(raftConsenterOf(at.paths, node));
  orderer.policies.BlockValidation.policy.value = raftBlockValidation(ordererOrgs(updated));
  return { original: config, updated, majorities, what: `add ${org.mspId} with ordering node ${node.id}`, final: true };
}

/**
 * With signature files from other sites each run makes one config update, so an invitation whose
 * ordering nodes need updates of their own after it (`later`) cannot be made that way.
 */
function refuseLaterConsenters(org: PeerOrgConfig, later: readonly OrdererNode[]): void {
  if (later.length === 0) return;
  throw new MembershipError(`${org.mspId}'s ordering node(s) ${later.map((n) => n.id).join(', ')} become consenters one config update each, after the org's own update; ` +
    'with signatures from other sites these scripts make one update per run: invite the org without "orderers" in its spec, or have the members execute it on one site');
}

/**
 * The update that makes `node` (of an org already in the Orderer group) a consenter; undefined
 * when it is one already. One consenter per update: Raft takes one membership change at a time,
 * and every SmartBFT consenter changes the quorum (and so the BlockValidation policy).
 */
function consenterAdditionChange(bins: FabricBinaries, at: NetworkLocation, current: Topology, node: OrdererNode, workDir: string): ConfigChange | undefined {
  const config = fetchChannelConfig(bins, current, at.paths, firstMember(current), workDir);
  const before = consentersOf(config).length;
  if (consentersOf(config).some((c) => isConsenter(c, node))) return undefined;
  let updated: ChannelConfig;
  let what: string;
  if (consensusOf(config) === 'BFT') {
    const genesis = fetchChannelConfig(bins, current, at.paths, firstMember(current), workDir, 'oldest');
    updated = withBftConsenter(config, bftConsenterOf(at.paths, node), unusedBftConsenterId(config, bftConsenters(genesis).length));
    what = `make ${node.id} (${node.org.mspId}) a BFT consenter: ${before} -> ${before + 1} consenters, quorum ${bftQuorum(before)} -> ${bftQuorum(before + 1)}`;
  } else {
    updated = structuredClone(config);
    updated.channel_group.groups.Orderer.values.ConsensusType.value.metadata?.consenters?.push(raftConsenterOf(at.paths, node));
    what = `make ${node.id} (${node.org.mspId}) a Raft consenter: ${before} -> ${before + 1} consenters`;
  }
  return { original: config, updated, majorities: [ordererOrgs(config)], what, final: true };
}

/**
 * Starts a new member's ordering nodes and joins them to the channel with its latest config
 * block: a node named as a consenter there (Raft: the first) joins as one, the others as
 * followers that pull the blocks. Once they caught up, each follower becomes a consenter by a
 * config update of its own, and the command waits until it takes part: SmartBFT, every running
 * consenter agrees on a leader in a cluster that counts it; Raft, it counts every consenter active.
 */
async function startNewOrderers(bins: FabricBinaries, at: NetworkLocation, current: Topology, t: Topology, nodes: OrdererNode[], workDir: string): Promise<void> {
  const [first] = nodes;
  if (!first) return;
  log(`starting the ordering node(s) of ${first.org.name}`);
  const height = await joinAndCatchUp(bins, t, at.paths, nodes, firstMember(current), workDir);
  // Raft: the first node is a consenter already (additionChange); the others, and on BFT all, follow until their own update.
  const followers = t.ordering.consensus === 'etcdraft' ? nodes.slice(1) : nodes;
  if (t.ordering.consensus === 'etcdraft') {
    await waitForOrdering(t);
    logOrdering(t, [first], height);
  }
  if (followers.length > 0) log(`${followers.map((n) => n.id).join(', ')} caught up (height ${height}) as follower${followers.length === 1 ? '' : 's'} of ${t.channel}`);
  for (const [i, node] of nodes.entries()) {
    const stepDir = join(workDir, `consenter-${i + 1}`);
    const change = consenterAdditionChange(bins, at, current, node, stepDir);
    if (!change) continue;
    const started = Date.now();
    const signers = await applyChange(bins, at, current, change, [], undefined, stepDir);
    if (t.ordering.consensus === 'BFT') await waitForBftConsenters(bins, t, at.paths, change.updated, firstMember(current));
    else await waitRejoined(t, { id: node.id, operations: endpoint(t, node.operationsPort) });
    log(`channel ${t.channel}: ${change.what} (signed by ${signers}); it takes part after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}

/**
 * After a change of the SmartBFT consenters (`config`): waits until every consenter that runs (an
 * operator may have stopped one; the cluster orders without it while a quorum runs) has the block
 * that made the change (the height `member`'s peer has), and they agree on a leader.
 */
async function waitForBftConsenters(bins: FabricBinaries, t: Topology, paths: RunPaths, config: ChannelConfig, member: PeerOrgConfig): Promise<void> {
  const height = channelHeight(bins, t, paths, member);
  const running = ordererNodes(t).filter((n) => bftConsenters(config).some((c) => isConsenter(c, n)) && runningPid(paths.pid(n.id)) !== undefined);
  for (const node of running) await waitForHeight(t, node, height);
  await waitForBftLeader(t, running);
}

/** Waits until an ordering node has `height` blocks of the channel (it pulls them from the others). */
async function waitForHeight(t: Topology, node: OrdererNode, height: number): Promise<void> {
  await retry(120_000, 500, async () => {
    const at = await channelGauge(endpoint(t, node.operationsPort), 'ledger_blockchain_height', t.channel);
    if ((at ?? 0) < height) throw new Error(`${node.id} is at block height ${at ?? 0} of ${height} after 120s`);
  });
}

/**
 * Refuses a change of the SmartBFT consenter set that would leave a step without a quorum: each
 * step's cluster must have at least bftQuorum(size) consenters that run. `steps` lists, from the
 * current cluster on, its size and how many of its consenters would run at that step. Returns the
 * problem, or undefined when every step can order.
 */
export function bftQuorumProblem(steps: readonly { size: number; live: number }[]): string | undefined {
  const short = steps.find((s) => s.live < bftQuorum(s.size));
  if (!short) return undefined;
  return `a cluster of ${short.size} BFT consenters needs ${bftQuorum(short.size)} running to order, and it would have ${short.live}`;
}

/** Whether an ordering node runs the channel's SmartBFT chain (its operations endpoint reports a cluster size). */
const runsBftChain = async (t: Topology, node: OrdererNode): Promise<boolean> =>
  (await channelGauge(endpoint(t, node.operationsPort), 'consensus_BFT_cluster_size', t.channel)) !== undefined;

/** The current SmartBFT consenters that are nodes of `t` and run the chain now. */
async function liveBftConsenters(t: Topology, config: ChannelConfig): Promise<OrdererNode[]> {
  const consenting = ordererNodes(t).filter((n) => bftConsenters(config).some((c) => isConsenter(c, n)));
  const live = await Promise.all(consenting.map((n) => runsBftChain(t, n)));
  return consenting.filter((_, i) => live[i]);
}

/** Refuses to grow the SmartBFT cluster by `added` consenters (one per update) when a step would lack a quorum. */
async function checkBftGrowth(current: Topology, config: ChannelConfig, added: number): Promise<void> {
  const size = bftConsenters(config).length;
  const live = (await liveBftConsenters(current, config)).length;
  const problem = bftQuorumProblem(Array.from({ length: added + 1 }, (_, j) => ({ size: size + j, live: live + j })));
  if (problem) {
    throw new MembershipError(`adding ${added} BFT consenter(s) to channel ${current.channel}, ${live} of ${size} running now: ${problem}; ` +
      'start the stopped ordering nodes first (Fabric advises changing BFT consenters only with all of them online)');
  }
}

/**
 * Starts ordering nodes with empty ledgers and joins them to the channel with its latest config
 * block (which names them as consenters); each pulls the blocks before it from the other ordering
 * nodes. Returns once each has the height `member`'s peer has and the cluster orders again.
 */
export async function startAndJoinOrderers(bins: FabricBinaries, t: Topology, paths: RunPaths, nodes: OrdererNode[], member: PeerOrgConfig, workDir: string): Promise<void> {
  const height = await joinAndCatchUp(bins, t, paths, nodes, member, workDir);
  await waitForOrdering(t);
  logOrdering(t, nodes, height);
}

const logOrdering = (t: Topology, nodes: readonly OrdererNode[], height: number): void =>
  log(`${nodes.map((n) => n.id).join(', ')} caught up (height ${height}) and order${nodes.length === 1 ? 's' : ''} for ${t.channel}`);

/**
 * Starts ordering nodes, joins them with the channel's latest config block and waits until each
 * has the height `member`'s peer has; returns that height.
 */
async function joinAndCatchUp(bins: FabricBinaries, t: Topology, paths: RunPaths, nodes: OrdererNode[], member: PeerOrgConfig, workDir: string): Promise<number> {
  startOrderers(bins.path('orderer'), t, paths, nodes);
  await Promise.all(nodes.map((n) => waitHealthy(paths, n.id, endpoint(t, n.operationsPort))));
  fetchChannelConfig(bins, t, paths, member, workDir);
  await joinOrderers(bins, t, paths, nodes, join(workDir, 'config-block.pb'));
  const height = channelHeight(bins, t, paths, member);
  for (const node of nodes) await waitForHeight(t, node, height);
  return height;
}

/**
 * The next config update of taking `org` out; undefined when it is gone already. An org without
 * ordering nodes leaves in one update. One that runs consenters leaves one consenter per update
 * (Raft's rule; SmartBFT's quorum and BlockValidation policy change with each): each update but
 * the last takes out one of its nodes; the last takes out its last node, its Orderer group entry,
 * its MSP from the Raft BlockValidation policy and its Application group entry.
 */
function removalChange(bins: FabricBinaries, at: NetworkLocation, remaining: Topology, org: PeerOrgConfig, nodes: readonly OrdererNode[], workDir: string): ConfigChange | undefined {
  const config = fetchChannelConfig(bins, remaining, at.paths, firstMember(remaining), workDir);
  const inConfig = applicationOrgs(config);
  const inOrderer = ordererOrgs(config);
  if (!inConfig.includes(org.mspId) && !inOrderer.includes(org.mspId)) return undefined;
  const consenting = nodes.filter((n) => consentersOf(config).some((c) => isConsenter(c, n)));
  const [next, ...more] = consenting;
  if (next && more.length > 0) {
    const why = consensusOf(config) === 'BFT' ? 'each BFT consenter changes the quorum' : 'Raft changes one per update';
    return {
      original: config, updated: withoutConsenter(config, next), majorities: [inOrderer], final: false,
      what: `remove ordering node ${next.id} of ${org.mspId} (1 of its ${consenting.length} consenters; ${why})`,
    };
  }
  let updated = next ? withoutConsenter(config, next) : structuredClone(config);
  if (inOrderer.includes(org.mspId)) updated = withoutOrdererOrg(updated, org.mspId);
  delete updated.channel_group.groups.Application.groups[org.mspId];
  const majorities = inOrderer.includes(org.mspId) ? [inConfig, inOrderer] : [inConfig];
  return { original: config, updated, majorities, what: `remove ${org.mspId}${next ? ` and its ordering node ${next.id}` : ''}`, final: true };
}

/**
 * Makes the change: with the signature files of other sites (`signed`), or else with the admins
 * of this network's members signing in turn. Returns who signed, for the log.
 */
export async function applyChange(
  bins: FabricBinaries, at: NetworkLocation, t: Topology, change: ConfigChange, last: readonly PeerOrgConfig[], signed: SignedUpdate | undefined, workDir: string,
): Promise<string> {
  if (signed) {
    await submitUpdate(bins, t, at.paths, signed.submitter, { envelopeFile: signed.envelopeFile, signatures: signed.signatures, config: change.original, what: change.what, workDir });
    return [...signed.signatures.map((s) => s.mspId), signed.submitter.mspId].join(', ');
  }
  const signers = chooseSigners(t, change.majorities, last);
  await updateChannelConfig(bins, t, at.paths, workDir, { ...change, signers });
  return signers.map((o) => o.mspId).join(', ');
}

/**
 * Writes the unsigned envelope of adding (`specFile`) or removing (`removeMspId`) an org, as it
 * would be made now: what the members sign on their own sites before `governance execute --update`.
 */
export async function writeMembershipUpdate(at: NetworkLocation, change: { specFile: string } | { removeMspId: string }, out: string): Promise<void> {
  const bins = ensureFabricBinaries(at.paths.binDirFile);
  const current = effective(at);
  const name = 'specFile' in change ? 'add' : 'remove';
  const workDir = at.paths.configUpdate(`${name}-update-${Date.now()}`);
  let made: ConfigChange | undefined;
  if ('specFile' in change) {
    const { newOrg } = await prepareOrg(at, change.specFile, bins);
    made = additionChange(bins, at, current, newOrg, workDir);
    const updated = made?.updated;
    if (updated) refuseLaterConsenters(newOrg.org, ordererNodes(newOrg.topology).filter((n) => n.org === newOrg.org && !consentersOf(updated).some((c) => isConsenter(c, n))));
  } else {
    const org = checkRemovable(current, change.removeMspId);
    made = removalChange(bins, at, { ...current, orgs: current.orgs.filter((o) => o !== org) }, org, ordererNodes(current).filter((n) => n.org === org), workDir);
  }
  if (!made) throw new MembershipError(`nothing to change: the channel config already says so (${name})`);
  copyFileSync(createUpdateEnvelope(bins, current, workDir, made), out);
  log(`wrote ${out} (${made.what}): the members sign it with "config-update sign", then "governance execute --update"`);
}

/** Waits until every peer of `org` has the channel's height (it pulls the blocks from the orderers). */
export async function waitForCatchUp(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig): Promise<void> {
  const reference = t.orgs.find((o) => o !== org);
  if (!reference) return;
  const target = channelHeight(bins, t, paths, reference);
  const started = Date.now();
  for (const peer of org.peers) {
    await retry(120_000, 500, () => {
      const height = channelHeight(bins, t, paths, org, peer);
      if (height < target) throw new Error(`${peerId(org, peer)} is at block height ${height} of ${target} after 120s`);
    });
  }
  log(`${org.name}'s peers caught up with the channel (height ${target}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/**
 * Checks that an org can leave: it is a member, it is not the last one, the chaincode's
 * endorsement policy does not name it (a signature policy naming it would become unsatisfiable),
 * and the ordering service goes on without its ordering nodes (Raft: at least one other;
 * SmartBFT: at least 4 others).
 */
export function checkRemovable(t: Topology, mspIdOrName: string): PeerOrgConfig {
  const org = t.orgs.find((o) => o.mspId === mspIdOrName || o.name === mspIdOrName);
  if (!org) {
    throw new MembershipError(`"${mspIdOrName}" is not a member of channel ${t.channel}; the members are: ${t.orgs.map((o) => o.mspId).join(', ')}`);
  }
  if (t.orgs.length === 1) throw new MembershipError(`${org.mspId} is the last member of channel ${t.channel}; a channel needs at least one org`);
  // Its subset channels' configs would still name it: it leaves them first, by their members' vote.
  const subsets = t.channels.filter((c) => c.members.includes(org.name)).map((c) => c.name);
  if (subsets.length > 0) {
    throw new MembershipError(`${org.mspId} is a member of channel ${subsets.join(', ')} too; it leaves ${subsets.length === 1 ? 'that channel' : 'those channels'} first ` +
      '("governance propose-remove ... --channel NAME", or "org leave <org> --channel NAME")');
  }
  const own = ordererNodes(t).filter((n) => n.org === org);
  if (own.length > 0) {
    const { consensus } = t.ordering;
    const left = ordererNodes(t).length - own.length;
    if (consensus === 'BFT' && left < MIN_ORDERERS.BFT) {
      throw new MembershipError(`${org.mspId} runs ${own.length} of the ${ordererNodes(t).length} BFT ordering nodes of channel ${t.channel} ` +
        `(${own.map((n) => n.id).join(', ')}); without them ${left} would be left, and BFT needs at least ${MIN_ORDERERS.BFT}: ` +
        'another member must add ordering nodes before it can leave');
    }
    if (left < MIN_ORDERERS[consensus]) {
      throw new MembershipError(`${org.mspId} runs every ordering node of channel ${t.channel} (${own.map((n) => n.id).join(', ')}); ` +
        'another member must run one before it can leave');
    }
  }
  const policy = t.chaincode.endorsementPolicy;
  if (!isChannelPolicy(policy) && mspIdsInPolicy(policy).includes(org.mspId)) {
    throw new MembershipError(
      `the chaincode's endorsement policy ${policy} names ${org.mspId}; change chaincode.endorsementPolicy in the topology ` +
        `(for example to /Channel/Application/Endorsement) and run "ledger-network deploy" first`,
    );
  }
  return org;
}

/**
 * Takes an org out of the channel (a config update signed by a majority of the members' admins,
 * the other members first, so that the founding org can be removed too), then stops its nodes.
 */
export async function removeOrgFromChannel(at: NetworkLocation, mspIdOrName: string, signed?: SignedUpdate): Promise<Topology> {
  const started = Date.now();
  const bins = ensureFabricBinaries(at.paths.binDirFile);
  const current = effective(at);
  const org = checkRemovable(current, mspIdOrName);
  const remaining: Topology = { ...current, orgs: current.orgs.filter((o) => o !== org) };
  const nodes = ordererNodes(current).filter((n) => n.org === org);
  const workDir = at.paths.configUpdate(`remove-${org.name}-${Date.now()}`);
  if (current.ordering.consensus === 'BFT' && nodes.length > 0) await checkBftShrink(bins, at, current, nodes, workDir);

  // One update per consenter of the org (see removalChange), each signed by a MAJORITY.
  for (let step = 1; ; step++) {
    const stepDir = join(workDir, `step-${step}`);
    const change = removalChange(bins, at, remaining, org, nodes, stepDir);
    if (!change) {
      if (step === 1) log(`${org.mspId} is not in the config of channel ${current.channel} any more; stopping its nodes`);
      break;
    }
    const signers = await applyChange(bins, at, current, change, [org], signed, stepDir);
    log(`channel ${current.channel}: ${change.what} (signed by ${signers})`);
    // The next update (and every write) needs the smaller cluster to order: wait until its running consenters agree on a leader.
    if (current.ordering.consensus === 'BFT' && nodes.length > 0) await waitForBftConsenters(bins, current, at.paths, change.updated, firstMember(remaining));
    if (change.final) {
      log(`${org.mspId} is no longer a member of channel ${current.channel}`);
      break;
    }
    if (signed) {
      throw new MembershipError(`committed the update "${change.what}"; taking ${org.mspId} out needs another config update: ` +
        'write it with "governance prepare-update", have the members sign it, and execute again with it');
    }
  }
  recordRemoved(at.paths, org.name, isFounder(at.topologyFile, org.name));
  await stopOrgNodes(at.paths, org);
  writeSiteProfiles(remaining, at.paths);
  log(`removed ${org.name} (${org.mspId}) from channel ${current.channel} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return remaining;
}

/**
 * Refuses to take `leaving` out of the SmartBFT consenters (one per update, in order) when a step
 * would lack a quorum of running consenters: before step j the cluster has the others that run
 * and those of `leaving` not yet taken out that run.
 */
async function checkBftShrink(bins: FabricBinaries, at: NetworkLocation, current: Topology, leaving: readonly OrdererNode[], workDir: string): Promise<void> {
  const config = fetchChannelConfig(bins, current, at.paths, firstMember(current), join(workDir, 'check'));
  const consenting = leaving.filter((n) => bftConsenters(config).some((c) => isConsenter(c, n)));
  const live = await liveBftConsenters(current, config);
  const others = live.filter((n) => !consenting.includes(n)).length;
  const size = bftConsenters(config).length;
  const steps = Array.from({ length: consenting.length + 1 }, (_, j) => ({ size: size - j, live: others + consenting.slice(j).filter((n) => live.includes(n)).length }));
  const problem = bftQuorumProblem(steps);
  if (problem) {
    throw new MembershipError(`taking ${consenting.map((n) => n.id).join(', ')} out of the BFT consenters of channel ${current.channel}, ` +
      `${live.length} of ${size} running now: ${problem}; start the stopped ordering nodes first`);
  }
}

/** Stops the org's chaincode server, peers, ordering nodes and CA for good: the supervisor must not restart them. */
async function stopOrgNodes(paths: RunPaths, org: PeerOrgConfig): Promise<void> {
  const ids = [chaincodeServerId(org), benchServerId(org), ...org.peers.map((p) => peerId(org, p)), ...org.orderers.map((n) => ordererId(org, n)), caId(org.name)];
  for (const id of ids) {
    hold(paths, id); // first: the supervisor skips held nodes before it reads their spec
    if (await stop(paths.pid(id))) log(`stopped ${id}`);
    rmSync(paths.spec(id), { force: true });
  }
}

/**
 * The org admins whose signatures satisfy MAJORITY Admins over each group of orgs in `majorities`
 * (the Application group's members; the orgs that run ordering nodes, when the Orderer group
 * changes): members other than `last` first (so an org being removed signs only when it must), in
 * topology order, then the orderer-only org, then `last`, each taken only when a group still short
 * of its majority counts it. The orderer-only org, when it signs, comes first in the result: the
 * last signer submits the update, and only a member's admin can (through its peer).
 */
export function chooseSigners(t: Topology, majorities: readonly (readonly string[])[], last: readonly PeerOrgConfig[]): SiteConfig[] {
  const signers: SiteConfig[] = [];
  const short = (): (readonly string[])[] => majorities.filter((group) => signers.filter((s) => group.includes(s.mspId)).length < majorityOf(group.length));
  const ordererOrg = t.ordererOrg ? [t.ordererOrg] : [];
  for (const candidate of [...t.orgs.filter((o) => !last.includes(o)), ...ordererOrg, ...last]) {
    if (short().some((group) => group.includes(candidate.mspId))) signers.push(candidate);
  }
  const [group] = short();
  if (group) {
    const held = sites(t).filter((o) => group.includes(o.mspId)).length;
    throw new MembershipError(
      `the channel's MAJORITY Admins policy needs the admins of ${majorityOf(group.length)} of its ${group.length} orgs (${group.join(', ')}), ` +
        `but this network holds the admin identities of only ${held}`,
    );
  }
  return [...signers.filter((s) => s === t.ordererOrg), ...signers.filter((s) => s !== t.ordererOrg)];
}

/** The member org whose admin acts when any member may (fetching the config, committing). */
export function firstMember(t: Topology): PeerOrgConfig {
  const org = t.orgs[0];
  if (!org) throw new MembershipError(`channel ${t.channel} has no member org`);
  return org;
}
