// The application channel: created from its genesis block (founding.ts) and joined by every orderer
// through its admin endpoint (channel participation, no system channel), then by every peer.
import { join } from 'node:path';
import { ORG_ADMIN } from './ca';
import { log, retry } from './exec';
import { FabricBinaries } from './fabric-bin';
import { peerCli, peerSite } from './nodes';
import { RunPaths } from './paths';
import { SiteAdmin, siteAdmin } from './site-users';
import { endpoint, OrdererNode, ordererNodes, peerId, Topology } from './topology';

/** Runs osnadmin against an ordering node's admin endpoint as the admin of the org that runs it (mutual TLS, on its own site). */
export function osnadmin(bins: FabricBinaries, t: Topology, paths: RunPaths, node: OrdererNode, args: string[], step: string): string {
  const adminTls = paths.tls(node.org.name, ORG_ADMIN);
  return osnadminSite(bins, paths, node).run(bins.path('osnadmin'), [
    ...args,
    '-o', endpoint(t, node.adminPort),
    '--ca-file', paths.caCert(node.org.name),
    '--client-cert', join(adminTls, 'server.crt'),
    '--client-key', join(adminTls, 'server.key'),
  ], { step });
}

/** The site of the org that runs `node`, whose admin's osnadmin runs there (as the site's user). */
const osnadminSite = (bins: FabricBinaries, paths: RunPaths, node: OrdererNode): SiteAdmin => siteAdmin(paths, node.org.name, bins.path('osnadmin'));

/**
 * Joins each ordering node (of `nodes`, by default all) to the channel with `block`: the genesis
 * block, or for a node added later the latest config block (it then pulls the blocks before it
 * from the other ordering nodes).
 */
export async function joinOrderers(bins: FabricBinaries, t: Topology, paths: RunPaths, nodes = ordererNodes(t), block = paths.channelBlock(t.channel)): Promise<void> {
  for (const node of nodes) {
    const joined = await retry(15_000, 300, () =>
      osnadmin(bins, t, paths, node, ['channel', 'list'], `list the channels of ${node.id}`),
    );
    if (joined.includes(`"name": "${t.channel}"`) || joined.includes(`"name":"${t.channel}"`)) continue;
    osnadminSite(bins, paths, node).lend(block, (given) =>
      osnadmin(bins, t, paths, node, ['channel', 'join', '--channelID', t.channel, '--config-block', given], `join ${node.id} to channel ${t.channel}`));
    log(`${node.id} joined channel ${t.channel}`);
  }
}

/** Joins the peers of `orgs` (by default every member's) to the channel with its genesis block. */
export async function joinPeers(bins: FabricBinaries, t: Topology, paths: RunPaths, orgs = t.orgs): Promise<void> {
  for (const org of orgs) {
    for (const peer of org.peers) {
      const id = peerId(org, peer);
      const channels = await retry(15_000, 300, () => peerCli(bins, t, paths, org, ['channel', 'list'], `list the channels of ${id}`, peer));
      if (channels.split('\n').some((line) => line.trim() === t.channel)) continue;
      await peerSite(bins, paths, org).lend(paths.channelBlock(t.channel), (block) =>
        retry(30_000, 1000, () => peerCli(bins, t, paths, org, ['channel', 'join', '-b', block], `join ${id} to channel ${t.channel}`, peer)));
      log(`${id} joined channel ${t.channel}`);
    }
  }
}
