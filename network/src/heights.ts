// How far a node's copy of the channel goes: the block height a peer or an orderer reports for
// itself, asked through its own admin interface (not its metrics, which appear only once the
// node has committed a block since it started).
import { osnadmin } from './channel';
import { FabricBinaries } from './fabric-bin';
import { peerCli } from './nodes';
import { RunPaths } from './paths';
import { OrdererNode, PeerConfig, PeerOrgConfig, peerId, Topology } from './topology';

/** A peer's height of the channel (`peer channel getinfo` as its org's admin). */
export function peerHeight(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, peer: PeerConfig): number {
  const out = peerCli(bins, t, paths, org, ['channel', 'getinfo', '-c', t.channel], `read the chain height of ${peerId(org, peer)}`, peer);
  const info = /Blockchain info: (\{.*\})/.exec(out)?.[1];
  if (!info) throw new Error(`peer channel getinfo said nothing about the height: ${out.slice(0, 200)}`);
  return Number((JSON.parse(info) as { height: number | string }).height);
}

/** What an orderer says about its membership of the channel (`osnadmin channel list --channelID`). */
export interface OrdererChannelInfo {
  readonly height: number;
  /** "active" once it follows the channel; "onboarding" while it still fetches blocks. */
  readonly status: string;
  /** "consenter" or "follower". */
  readonly consensusRelation: string;
}

export function ordererChannelInfo(bins: FabricBinaries, t: Topology, paths: RunPaths, node: OrdererNode): OrdererChannelInfo {
  const out = osnadmin(bins, t, paths, node, ['channel', 'list', '--channelID', t.channel], `read the channel ${t.channel} of ${node.id}`);
  // "Status: 200" then the JSON body.
  const body = out.slice(out.indexOf('{'));
  const info = JSON.parse(body) as { height?: number; status?: string; consensusRelation?: string };
  if (typeof info.height !== 'number') throw new Error(`osnadmin said nothing about the height of ${node.name}: ${out.slice(0, 200)}`);
  return { height: info.height, status: info.status ?? '', consensusRelation: info.consensusRelation ?? '' };
}
