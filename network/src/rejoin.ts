// Bringing back an ordering node whose log is gone (a lost disk, a site restored from an
// archive). Raft forbids a consenter to go back in its log: started empty under its old Raft ID,
// the leader's commit index is beyond its last entry and it panics ("tocommit(N) is out of
// range"). Fabric's way is to take it out of the consenter set and add it again: the second
// update gives it a new Raft ID, and the node, joined with the latest config block, pulls the
// chain from the other ordering nodes and follows the leader as a new member. SmartBFT the same
// way round, in the order of Fabric's BFT reconfiguration guide: out, back as a follower that
// catches up, then a consenter again under an ID the channel never used.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  bftConsenters, ChannelConfig, fetchChannelConfig, isConsenter, ordererOrgs, raftConsenterOf, raftConsenters, updateChannelConfig, withoutBftConsenter, withoutRaftConsenter,
} from './channel-config';
import { log } from './exec';
import { ensureFabricBinaries, FabricBinaries } from './fabric-bin';
import { loadEffectiveTopology } from './members';
import {
  checkBftShrink, chooseSigners, firstMember, joinAndCatchUp, makeConsenter, MembershipError, NetworkLocation, startAndJoinOrderers, waitForBftConsenters,
} from './membership';
import { waitForOrdering, waitRejoined } from './network';
import { RunPaths } from './paths';
import { runningPid } from './processes';
import { endpoint, OrdererNode, ordererNodes, Topology } from './topology';

export interface RejoinReport {
  readonly node: string;
  /** Config updates committed: out of the consenters (unless it was out already), back in. */
  readonly updates: number;
  readonly seconds: number;
}

/**
 * Takes `nodeId` out of the channel's consenters and adds it back, each update signed by a
 * MAJORITY of the admins of the orgs that run ordering nodes (the admins this network holds),
 * then starts it with an empty ledger and waits until it takes part. Raft: the node is named again
 * before it starts (the update gives it a new Raft ID) and joins as a member. SmartBFT: it joins as
 * a follower, pulls the chain, and only then becomes a consenter again, under an ID the channel
 * never used (a node that lost its write-ahead log must not speak for its old ID, which may have
 * voted in views it no longer remembers). Refused, nothing changed, for a node that runs or still
 * has a ledger, and on BFT for a step that would leave the cluster without a quorum.
 */
export async function rejoinConsenter(at: NetworkLocation, nodeId: string): Promise<RejoinReport> {
  const started = Date.now();
  const t = loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset);
  const node = checkRejoinable(t, at.paths, nodeId);
  const bins = ensureFabricBinaries(at.paths.binDirFile);
  const workDir = at.paths.configUpdate(`rejoin-${node.id}-${Date.now()}`);
  const updates = t.ordering.consensus === 'BFT' ? await rejoinBft(bins, at, t, node, workDir) : await rejoinRaft(bins, t, at.paths, node, workDir);
  const seconds = (Date.now() - started) / 1000;
  log(`${node.id} is a ${t.ordering.consensus === 'BFT' ? 'BFT' : 'Raft'} consenter of ${t.channel} again and takes part (${seconds.toFixed(1)}s)`);
  return { node: node.id, updates, seconds };
}

/** Raft: out of the consenters, back in (a new Raft ID), then started and joined as a member. Returns the updates made. */
async function rejoinRaft(bins: FabricBinaries, t: Topology, paths: RunPaths, node: OrdererNode, workDir: string): Promise<number> {
  let updates = 0;
  const before = fetchChannelConfig(bins, t, paths, firstMember(t), join(workDir, 'out'));
  if (raftConsenters(before).some((c) => isConsenter(c, node))) {
    await changeConsenters(bins, t, paths, join(workDir, 'out'), before, withoutRaftConsenter(before, node), `take ${node.id} out of the Raft consenters of ${t.channel} (its log is gone)`);
    updates++;
    await waitForOrdering(t);
  }
  const out = fetchChannelConfig(bins, t, paths, firstMember(t), join(workDir, 'in'));
  const back = structuredClone(out);
  back.channel_group.groups.Orderer.values.ConsensusType.value.metadata?.consenters?.push(raftConsenterOf(paths, node));
  await changeConsenters(bins, t, paths, join(workDir, 'in'), out, back, `add ${node.id} back to the Raft consenters of ${t.channel}`);
  updates++;

  log(`starting ${node.id} with an empty ledger; it pulls the chain from the other ordering nodes`);
  await startAndJoinOrderers(bins, t, paths, [node], firstMember(t), join(workDir, 'join'));
  await waitRejoined(t, { id: node.id, operations: endpoint(t, node.operationsPort) });
  return updates;
}

/** SmartBFT: out of the consenters (quorum checked first), started and caught up as a follower, then a consenter under a new ID. Returns the updates made. */
async function rejoinBft(bins: FabricBinaries, at: NetworkLocation, t: Topology, node: OrdererNode, workDir: string): Promise<number> {
  let updates = 0;
  const before = fetchChannelConfig(bins, t, at.paths, firstMember(t), join(workDir, 'out'));
  if (bftConsenters(before).some((c) => isConsenter(c, node))) {
    await checkBftShrink(bins, at, t, [node], join(workDir, 'out'));
    const updated = withoutBftConsenter(before, node);
    await changeConsenters(bins, t, at.paths, join(workDir, 'out'), before, updated, `take ${node.id} out of the BFT consenters of ${t.channel} (its ledger is gone)`);
    updates++;
    await waitForBftConsenters(bins, t, at.paths, updated, firstMember(t));
  }
  log(`starting ${node.id} with an empty ledger; it pulls the chain from the other ordering nodes as a follower`);
  const height = await joinAndCatchUp(bins, t, at.paths, [node], firstMember(t), join(workDir, 'join'));
  log(`${node.id} caught up (height ${height}) as a follower of ${t.channel}`);
  if (await makeConsenter(bins, at, t, t, node, join(workDir, 'in'))) updates++;
  return updates;
}

/** The node, when it is an ordering node of this network that is stopped and has no ledger. */
export function checkRejoinable(t: Topology, paths: RunPaths, nodeId: string): OrdererNode {
  const nodes = ordererNodes(t);
  const node = nodes.find((n) => n.id === nodeId);
  if (!node) throw new MembershipError(`${nodeId} is not an ordering node of this network (ordering nodes: ${nodes.map((n) => n.id).join(', ')})`);
  if (runningPid(paths.pid(node.id)) !== undefined) {
    throw new MembershipError(`${node.id} is running: rejoin is for an ordering node whose ledger is gone, and it must be stopped (ledger-network stop ${node.id})`);
  }
  const data = paths.nodeData(node.id);
  if (existsSync(data) && readdirSync(data).length > 0) {
    throw new MembershipError(`${node.id} still has a ledger (${data}): start it as it is with "up", or, if that ledger went back in time ` +
      '(restored from a backup), remove the folder first so that the node starts empty');
  }
  return node;
}

async function changeConsenters(bins: FabricBinaries, t: Topology, paths: RunPaths, workDir: string, original: ChannelConfig, updated: ChannelConfig, what: string): Promise<void> {
  const signers = chooseSigners(t, [ordererOrgs(original)], []);
  await updateChannelConfig(bins, t, paths, workDir, { original, updated, signers, what });
  log(`channel ${t.channel}: ${what} (signed by ${signers.map((o) => o.mspId).join(', ')})`);
}
