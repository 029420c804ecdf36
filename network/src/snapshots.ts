// Joining a peer from a ledger snapshot instead of replaying the chain from genesis (Fabric's
// `peer snapshot submitrequest` on a member's peer, then `peer channel joinbysnapshot` on the new
// one). The snapshot is a folder of public ledger data (world state, hashes of private data, the
// channel config, the transaction IDs), which crosses sites as a copy, like any public artifact.
//
// What a snapshot-joined peer lacks, by Fabric's design: the blocks before the snapshot, the
// history of keys before it, and private data before it. Its org's read model therefore cannot
// index from its own peer from genesis; docs/read-model.md says what to do.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { log, retry } from './exec';
import { FabricBinaries } from './fabric-bin';
import { peerCli, peerCliEnv } from './nodes';
import { RunPaths } from './paths';
import { handOverSite } from './site-users';
import { PeerOrgConfig, peerId, Topology } from './topology';

/** Below this height a new peer replays the chain from genesis (`--join auto`). */
export const SNAPSHOT_JOIN_MIN_HEIGHT = Number(process.env.LEDGER_SNAPSHOT_JOIN_MIN_HEIGHT ?? 1000);

export type JoinMode = 'genesis' | 'snapshot' | 'auto';

export const isJoinMode = (value: string): value is JoinMode => value === 'genesis' || value === 'snapshot' || value === 'auto';

export interface Snapshot {
  /** The folder of the completed snapshot. */
  readonly dir: string;
  /** The last block the snapshot includes. */
  readonly blockNumber: number;
}

/** Asks `org`'s first peer for a snapshot of the channel at its last committed block, and waits for it. */
export async function takeSnapshot(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig): Promise<Snapshot> {
  const peer = org.peers[0];
  if (!peer) throw new Error(`org ${org.name} has no peer to take a snapshot on`);
  const id = peerId(org, peer);
  const env = peerCliEnv(bins, t, paths, org, peer);
  const target = ['-c', t.channel, '--peerAddress', env.CORE_PEER_ADDRESS ?? '', '--tlsRootCertFile', env.CORE_PEER_TLS_ROOTCERT_FILE ?? ''];
  const completed = join(paths.nodeData(id), 'snapshots', 'completed', t.channel);
  const before = new Set(existsSync(completed) ? readdirSync(completed) : []);
  const started = Date.now();
  // Block 0 means "the last block committed when the request arrives".
  peerCli(bins, t, paths, org, ['snapshot', 'submitrequest', '-b', '0', ...target], `request a snapshot of ${t.channel} on ${id}`, peer);
  const blockNumber = await retry(120_000, 500, () => {
    const pending = peerCli(bins, t, paths, org, ['snapshot', 'listpending', ...target], `list the pending snapshots of ${id}`, peer);
    const made = existsSync(completed) ? readdirSync(completed).filter((name) => !before.has(name) && /^\d+$/.test(name)) : [];
    if (made.length === 0 || !/\[\s*\]/.test(pending)) throw new Error(`the snapshot on ${id} is not done after 120s: ${pending.trim()}`);
    return Math.max(...made.map(Number));
  });
  log(`${id} made a snapshot of ${t.channel} at block ${blockNumber} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { dir: join(completed, String(blockNumber)), blockNumber };
}

/**
 * Joins the peers of `org` to the channel from a copy of `snapshot` in the org's own site folder,
 * and waits until each has finished loading it (the peer then pulls the blocks after it).
 */
export async function joinPeersBySnapshot(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, snapshot: Snapshot): Promise<void> {
  const copy = join(paths.org(org.name), 'snapshots', `${t.channel}-${snapshot.blockNumber}`);
  cpSync(snapshot.dir, copy, { recursive: true });
  handOverSite(paths, org.name); // the copy belongs to the site, whose peer reads it
  for (const peer of org.peers) {
    const id = peerId(org, peer);
    const channels = peerCli(bins, t, paths, org, ['channel', 'list'], `list the channels of ${id}`, peer);
    if (channels.split('\n').some((line) => line.trim() === t.channel)) continue;
    const started = Date.now();
    await retry(30_000, 1000, () => peerCli(bins, t, paths, org, ['channel', 'joinbysnapshot', '--snapshotpath', copy], `join ${id} to ${t.channel} from a snapshot`, peer));
    await retry(300_000, 500, () => {
      const status = peerCli(bins, t, paths, org, ['channel', 'joinbysnapshotstatus'], `read ${id}'s join-by-snapshot status`, peer);
      if (!/No joinbysnapshot operation is in progress/i.test(status)) throw new Error(`${id} is still loading the snapshot after 300s: ${status.trim()}`);
    });
    log(`${id} joined channel ${t.channel} from the snapshot at block ${snapshot.blockNumber} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}
