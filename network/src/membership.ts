// Adding an org to the running channel and taking one out: the operator's side of membership
// governance. Each step prints progress; each is safe to run again after a failure (an org
// already in the channel config is not added twice, a peer already joined is not joined again).
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvitedOrg } from '@donation-ledger/model';
import { OrgCa } from './ca';
import { deployChaincode } from './chaincode';
import {
  applicationOrgs, ChannelConfig, channelHeight, consensusOf, createUpdateEnvelope, fetchChannelConfig, isConsenter, majorityOf, orgConfigGroup,
  ordererOrgConfigGroup, ordererOrgs, raftBlockValidation, raftConsenterOf, raftConsenters, readPem, updateChannelConfig, withoutRaftConsenter,
  withoutOrdererOrg,
} from './channel-config';
import { SignatureFile, submitUpdate } from './config-signatures';
import { joinOrderers, joinPeers } from './channel';
import { JoinMode, joinPeersBySnapshot, SNAPSHOT_JOIN_MIN_HEIGHT, takeSnapshot } from './snapshots';
import { log, retry } from './exec';
import { ensureFabricBinaries, FabricBinaries } from './fabric-bin';
import { isFounder, loadEffectiveTopology, loadNewOrg, NewOrg, recordAdded, recordRemoved } from './members';
import { identitiesOf, startNode, startOrderers, waitForGossip, waitForOrdering, waitHealthy } from './network';
import { peerEnv, writeNodeConfig } from './nodes';
import { RunPaths } from './paths';
import { writeSiteProfiles } from './profiles';
import { stop } from './processes';
import { hold } from './supervisor';
import { channelGauge } from './health';
import {
  benchServerId, caId, chaincodeServerId, endpoint, isChannelPolicy, MIN_ORDERERS, mspIdsInPolicy, ordererId, OrdererNode, ordererNodes, PeerOrgConfig, peerId,
  Topology,
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
export async function prepareOrg(at: NetworkLocation, specFile: string, bins = ensureFabricBinaries(at.paths.binDirFile)): Promise<{ newOrg: NewOrg; identity: OrgIdentity }> {
  const newOrg = loadNewOrg(specFile, at.topologyFile, at.paths, at.portOffset);
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
  const { newOrg } = await prepareOrg(at, specFile, bins);
  const { org, topology } = newOrg;
  const workDir = at.paths.configUpdate(`add-${org.name}-${Date.now()}`);

  const change = additionChange(bins, at, current, newOrg, workDir);
  if (!change) {
    log(`${org.mspId} is already in the config of channel ${current.channel}; going on with its nodes`);
  } else {
    const signers = await applyChange(bins, at, current, change, [], signed, workDir);
    log(`${org.mspId} is a member of channel ${current.channel} (signed by ${signers})`);
  }
  // From here on the org is a member: every command (up, status, down) includes it.
  recordAdded(at.paths, newOrg.spec);
  await startNewOrderers(bins, topology, at.paths, org, firstMember(current), at.paths.configUpdate(`join-${org.name}-orderers-${Date.now()}`));

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
 * that brings an ordering node joins the Orderer group too, its node the Raft consenters and its
 * MSP the BlockValidation policy, in the same update: Raft takes one consenter change per update,
 * so an org joins with one ordering node; changing BFT consenters is not done by these scripts.
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
  if (consensusOf(config) !== 'etcdraft') {
    throw new MembershipError(`${org.mspId} brings ${nodes.length} ordering node(s), but channel ${current.channel} orders with ${consensusOf(config)}: ` +
      'these scripts change only Raft consenters. Invite the org without "orderers" in its spec');
  }
  if (nodes.length > 1) {
    throw new MembershipError(`${org.mspId} brings ${nodes.length} ordering nodes; Raft accepts one consenter change per config update, ` +
      'so an org joins with one ordering node (list one in "orderers")');
  }
  const orderer = updated.channel_group.groups.Orderer;
  orderer.groups[org.mspId] = ordererOrgConfigGroup(bins, topology, at.paths, org, workDir);
  orderer.values.ConsensusType.value.metadata?.consenters?.push(raftConsenterOf(at.paths, node));
  orderer.policies.BlockValidation.policy.value = raftBlockValidation(ordererOrgs(updated));
  return { original: config, updated, majorities: [inConfig, ordererOrgs(config)], what: `add ${org.mspId} with ordering node ${node.id}`, final: true };
}

/** Starts a new member's ordering nodes and joins them to the channel (see startAndJoinOrderers). */
async function startNewOrderers(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, member: PeerOrgConfig, workDir: string): Promise<void> {
  const nodes = ordererNodes(t).filter((n) => n.org === org);
  if (nodes.length === 0) return;
  log(`starting the ordering node(s) of ${org.name}`);
  await startAndJoinOrderers(bins, t, paths, nodes, member, workDir);
}

/**
 * Starts ordering nodes with empty ledgers and joins them to the channel with its latest config
 * block (which names them as consenters); each pulls the blocks before it from the other ordering
 * nodes. Returns once each has the height `member`'s peer has and the cluster orders again.
 */
export async function startAndJoinOrderers(bins: FabricBinaries, t: Topology, paths: RunPaths, nodes: OrdererNode[], member: PeerOrgConfig, workDir: string): Promise<void> {
  startOrderers(bins.path('orderer'), t, paths, nodes);
  await Promise.all(nodes.map((n) => waitHealthy(paths, n.id, endpoint(t, n.operationsPort))));
  fetchChannelConfig(bins, t, paths, member, workDir);
  await joinOrderers(bins, t, paths, nodes, join(workDir, 'config-block.pb'));
  const height = channelHeight(bins, t, paths, member);
  for (const node of nodes) {
    await retry(120_000, 500, async () => {
      const at = await channelGauge(endpoint(t, node.operationsPort), 'ledger_blockchain_height', t.channel);
      if ((at ?? 0) < height) throw new Error(`${node.id} is at block height ${at ?? 0} of ${height} after 120s`);
    });
  }
  await waitForOrdering(t);
  log(`${nodes.map((n) => n.id).join(', ')} caught up (height ${height}) and order${nodes.length === 1 ? 's' : ''} for ${t.channel}`);
}

/**
 * The next config update of taking `org` out; undefined when it is gone already. An org without
 * ordering nodes leaves in one update. One that runs Raft consenters leaves one consenter per
 * update (Raft's rule): each update but the last takes out one of its nodes; the last takes out its
 * last node, its Orderer group entry, its MSP from BlockValidation and its Application group entry.
 */
function removalChange(bins: FabricBinaries, at: NetworkLocation, remaining: Topology, org: PeerOrgConfig, nodes: readonly OrdererNode[], workDir: string): ConfigChange | undefined {
  const config = fetchChannelConfig(bins, remaining, at.paths, firstMember(remaining), workDir);
  const inConfig = applicationOrgs(config);
  const inOrderer = ordererOrgs(config);
  if (!inConfig.includes(org.mspId) && !inOrderer.includes(org.mspId)) return undefined;
  const consenting = nodes.filter((n) => raftConsenters(config).some((c) => isConsenter(c, n)));
  const [next, ...more] = consenting;
  if (next && more.length > 0) {
    return {
      original: config, updated: withoutRaftConsenter(config, next), majorities: [inOrderer], final: false,
      what: `remove ordering node ${next.id} of ${org.mspId} (1 of its ${consenting.length} consenters; Raft changes one per update)`,
    };
  }
  let updated = next ? withoutRaftConsenter(config, next) : structuredClone(config);
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
 * and the ordering service goes on without its ordering nodes (Raft consenters only: these
 * scripts do not change BFT consenters).
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
    if (consensus !== 'etcdraft') {
      throw new MembershipError(`${org.mspId} runs ${own.length} of the ${ordererNodes(t).length} ${consensus} ordering nodes of channel ${t.channel}; ` +
        'these scripts change only Raft consenters, so it cannot be taken out here');
    }
    const left = ordererNodes(t).length - own.length;
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

  // One update per Raft consenter of the org (see removalChange), each signed by a MAJORITY.
  for (let step = 1; ; step++) {
    const stepDir = join(workDir, `step-${step}`);
    const change = removalChange(bins, at, remaining, org, nodes, stepDir);
    if (!change) {
      if (step === 1) log(`${org.mspId} is not in the config of channel ${current.channel} any more; stopping its nodes`);
      break;
    }
    const signers = await applyChange(bins, at, current, change, [org], signed, stepDir);
    log(`channel ${current.channel}: ${change.what} (signed by ${signers})`);
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
 * topology order, each taken only when a group still short of its majority counts it.
 */
export function chooseSigners(t: Topology, majorities: readonly (readonly string[])[], last: readonly PeerOrgConfig[]): PeerOrgConfig[] {
  const signers: PeerOrgConfig[] = [];
  const short = (): (readonly string[])[] => majorities.filter((group) => signers.filter((s) => group.includes(s.mspId)).length < majorityOf(group.length));
  for (const candidate of [...t.orgs.filter((o) => !last.includes(o)), ...last]) {
    if (short().some((group) => group.includes(candidate.mspId))) signers.push(candidate);
  }
  const [group] = short();
  if (group) {
    const held = t.orgs.filter((o) => group.includes(o.mspId)).length;
    throw new MembershipError(
      `the channel's MAJORITY Admins policy needs the admins of ${majorityOf(group.length)} of its ${group.length} orgs (${group.join(', ')}), ` +
        `but this network holds the admin identities of only ${held}`,
    );
  }
  return signers;
}

/** The member org whose admin acts when any member may (fetching the config, committing). */
export function firstMember(t: Topology): PeerOrgConfig {
  const org = t.orgs[0];
  if (!org) throw new MembershipError(`channel ${t.channel} has no member org`);
  return org;
}
