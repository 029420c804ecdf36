// Bringing back a Raft ordering node whose log is gone (a lost disk, a site restored from an
// archive). Raft forbids a consenter to go back in its log: started empty under its old Raft ID,
// the leader's commit index is beyond its last entry and it panics ("tocommit(N) is out of
// range"). Fabric's way is to take it out of the consenter set and add it again: the second
// update gives it a new Raft ID, and the node, joined with the latest config block, pulls the
// chain from the other ordering nodes and follows the leader as a new member.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelConfig, fetchChannelConfig, isConsenter, ordererOrgs, raftConsenterOf, raftConsenters, updateChannelConfig, withoutRaftConsenter } from './channel-config';
import { log } from './exec';
import { ensureFabricBinaries, FabricBinaries } from './fabric-bin';
import { loadEffectiveTopology } from './members';
import { chooseSigners, firstMember, MembershipError, NetworkLocation, startAndJoinOrderers } from './membership';
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
 * Takes `nodeId` out of the channel's Raft consenters and adds it back, each update signed by a
 * MAJORITY of the admins of the orgs that run ordering nodes (the admins this network holds),
 * then starts it with an empty ledger and waits until it follows the cluster. Refused, nothing
 * changed, for a node that runs or still has a ledger, and for a BFT channel.
 */
export async function rejoinConsenter(at: NetworkLocation, nodeId: string): Promise<RejoinReport> {
  const started = Date.now();
  const t = loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset);
  const node = checkRejoinable(t, at.paths, nodeId);
  const bins = ensureFabricBinaries(at.paths.binDirFile);
  const workDir = at.paths.configUpdate(`rejoin-${node.id}-${Date.now()}`);
  let updates = 0;

  const before = fetchChannelConfig(bins, t, at.paths, firstMember(t), join(workDir, 'out'));
  if (raftConsenters(before).some((c) => isConsenter(c, node))) {
    await changeConsenters(bins, t, at.paths, join(workDir, 'out'), before, withoutRaftConsenter(before, node), `take ${node.id} out of the Raft consenters of ${t.channel} (its log is gone)`);
    updates++;
    await waitForOrdering(t);
  }
  const out = fetchChannelConfig(bins, t, at.paths, firstMember(t), join(workDir, 'in'));
  const back = structuredClone(out);
  back.channel_group.groups.Orderer.values.ConsensusType.value.metadata?.consenters?.push(raftConsenterOf(at.paths, node));
  await changeConsenters(bins, t, at.paths, join(workDir, 'in'), out, back, `add ${node.id} back to the Raft consenters of ${t.channel}`);
  updates++;

  log(`starting ${node.id} with an empty ledger; it pulls the chain from the other ordering nodes`);
  await startAndJoinOrderers(bins, t, at.paths, [node], firstMember(t), join(workDir, 'join'));
  await waitRejoined(t, { id: node.id, operations: endpoint(t, node.operationsPort) });
  const seconds = (Date.now() - started) / 1000;
  log(`${node.id} is a Raft consenter of ${t.channel} again and follows the cluster (${seconds.toFixed(1)}s)`);
  return { node: node.id, updates, seconds };
}

/** The node, when it is a Raft ordering node of this network that is stopped and has no ledger. */
export function checkRejoinable(t: Topology, paths: RunPaths, nodeId: string): OrdererNode {
  const nodes = ordererNodes(t);
  const node = nodes.find((n) => n.id === nodeId);
  if (!node) throw new MembershipError(`${nodeId} is not an ordering node of this network (ordering nodes: ${nodes.map((n) => n.id).join(', ')})`);
  if (t.ordering.consensus !== 'etcdraft') {
    throw new MembershipError(`channel ${t.channel} orders with ${t.ordering.consensus}: these scripts change only Raft consenters`);
  }
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
