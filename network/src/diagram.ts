// The topology as a picture: each site (its address and Unix user) with its nodes, the channel,
// and who orders and who endorses. Two renderings of one model: Mermaid text (GitHub draws it)
// and a hand-laid SVG, so that no browser or network is needed to get an image.
import { siteUserName } from './site-users';
import { benchServerId, caId, chaincodeServerId, channelView, isChannelPolicy, mspIdsInPolicy, ordererNodes, peerId, SiteConfig, Topology } from './topology';

export type DiagramNodeKind = 'ca' | 'orderer' | 'peer' | 'chaincode-server';

export interface DiagramNode {
  readonly id: string;
  readonly kind: DiagramNodeKind;
  /** What it does, in a few words (port, role). */
  readonly detail: string;
  /** Started only by some commands (the bench's chaincode servers). */
  readonly optional: boolean;
  /** A peer whose org the endorsement policy names. */
  readonly endorses: boolean;
}

export interface DiagramSite {
  readonly name: string;
  readonly mspId: string;
  readonly host: string;
  readonly user: string;
  readonly nodes: readonly DiagramNode[];
}

export interface DiagramModel {
  readonly sites: readonly DiagramSite[];
  readonly channel: string;
  readonly chaincode: string;
  /** The endorsement policy in words. */
  readonly endorsement: string;
  readonly consensus: string;
  /** The topology's other channels, each for some of the members. */
  readonly subsetChannels: readonly DiagramSubsetChannel[];
}

/** A channel for some of the members: who is in it, whose ordering nodes order it, who endorses. */
export interface DiagramSubsetChannel {
  readonly name: string;
  /** The member orgs' names. */
  readonly members: readonly string[];
  /** The ordering nodes that order it (its members' only). */
  readonly orderers: readonly string[];
  readonly peers: readonly string[];
  readonly endorsement: string;
  readonly consensus: string;
}

/** The orgs whose peers endorse, and the policy in words. */
function endorsementOf(t: Topology): { endorsers: ReadonlySet<string>; words: string } {
  const policy = t.chaincode.endorsementPolicy;
  if (isChannelPolicy(policy)) {
    const needed = Math.floor(t.orgs.length / 2) + 1;
    return { endorsers: new Set(t.orgs.map((o) => o.mspId)), words: `MAJORITY of the member orgs' peers (${needed} of ${t.orgs.length}): ${t.orgs.map((o) => o.mspId).join(', ')}` };
  }
  return { endorsers: new Set(mspIdsInPolicy(policy)), words: policy };
}

export function diagramModel(t: Topology): DiagramModel {
  const { endorsers, words } = endorsementOf(t);
  const ordererNodesOf = (site: SiteConfig): DiagramNode[] => ordererNodes(t).filter((n) => n.org === site)
    .map((n) => ({ id: n.id, kind: 'orderer' as const, detail: `orderer :${n.port} (admin :${n.adminPort})`, optional: false, endorses: false }));
  const ordererOnly = t.ordererOrg;
  const ordererOnlySites: DiagramSite[] = ordererOnly ? [{
    name: ordererOnly.name, mspId: ordererOnly.mspId, host: ordererOnly.host, user: siteUserName(ordererOnly.name),
    nodes: [{ id: caId(ordererOnly.name), kind: 'ca', detail: `CA :${ordererOnly.ca.port}`, optional: false, endorses: false }, ...ordererNodesOf(ordererOnly)],
  }] : [];
  const memberSites = t.orgs.map((org): DiagramSite => {
    const bench = org.chaincodeServer.benchPort;
    return {
      name: org.name, mspId: org.mspId, host: org.host, user: siteUserName(org.name),
      nodes: [
        { id: caId(org.name), kind: 'ca', detail: `CA :${org.ca.port}`, optional: false, endorses: false },
        ...ordererNodesOf(org),
        ...org.peers.map((p) => ({ id: peerId(org, p), kind: 'peer' as const, detail: `peer :${p.port}${endorsers.has(org.mspId) ? ', endorses' : ''}`, optional: false, endorses: endorsers.has(org.mspId) })),
        { id: chaincodeServerId(org), kind: 'chaincode-server', detail: `chaincode ${t.chaincode.name} :${org.chaincodeServer.port}`, optional: false, endorses: false },
        ...(bench === undefined ? [] : [{ id: benchServerId(org), kind: 'chaincode-server' as const, detail: `chaincode bench :${bench} (npm run bench)`, optional: true, endorses: false }]),
      ],
    };
  });
  return {
    sites: [...ordererOnlySites, ...memberSites],
    channel: t.channel,
    chaincode: t.chaincode.name,
    endorsement: words,
    consensus: consensusOf(t),
    subsetChannels: t.channels.map((c) => {
      const view = channelView(t, c.name);
      return {
        name: c.name, members: view.orgs.map((o) => o.name), orderers: ordererNodes(view).map((n) => n.id),
        peers: view.orgs.flatMap((o) => o.peers.map((p) => peerId(o, p))), endorsement: endorsementOf(view).words, consensus: consensusOf(view),
      };
    }),
  };
}

const consensusOf = (t: Topology): string => `${t.ordering.consensus === 'BFT' ? 'SmartBFT' : 'Raft'}, ${ordererNodes(t).length} orderers`;

const mermaidId = (id: string): string => id.replace(/[^A-Za-z0-9]/g, '_');
const mermaidText = (text: string): string => text.replace(/"/g, '#quot;');

/** Mermaid flowchart: a subgraph per site, the channel in the middle, edges for who does what. */
export function topologyMermaid(t: Topology): string {
  const m = diagramModel(t);
  const lines = ['flowchart TB'];
  const channel = `channel_${mermaidId(m.channel)}`;
  lines.push(`  ${channel}(["channel ${mermaidText(m.channel)}<br/>chaincode ${mermaidText(m.chaincode)}<br/>${mermaidText(m.consensus)}<br/>endorsement: ${mermaidText(m.endorsement)}"])`);
  for (const site of m.sites) {
    lines.push(`  subgraph site_${mermaidId(site.name)}["site ${site.name} · ${site.mspId} · ${site.host} · user ${site.user}"]`);
    for (const node of site.nodes) {
      const [open, close] = node.kind === 'ca' ? ['[(', ')]'] : node.kind === 'chaincode-server' ? ['[[', ']]'] : ['[', ']'];
      lines.push(`    ${mermaidId(node.id)}${open}"${node.id}<br/>${mermaidText(node.detail)}"${close}`);
    }
    lines.push('  end');
  }
  for (const site of m.sites) {
    const server = site.nodes.find((n) => n.kind === 'chaincode-server' && !n.optional);
    for (const node of site.nodes) {
      if (node.kind === 'orderer') lines.push(`  ${mermaidId(node.id)} -- orders --> ${channel}`);
      if (node.kind === 'peer') {
        lines.push(`  ${mermaidId(node.id)} -- ${node.endorses ? 'endorses, commits' : 'commits'} --> ${channel}`);
        if (server) lines.push(`  ${mermaidId(node.id)} -. runs chaincode on .-> ${mermaidId(server.id)}`);
      }
    }
  }
  for (const sub of m.subsetChannels) {
    const id = `channel_${mermaidId(sub.name)}`;
    lines.push(`  ${id}(["channel ${mermaidText(sub.name)} (${mermaidText(sub.members.join(', '))})<br/>chaincode ${mermaidText(m.chaincode)}<br/>${mermaidText(sub.consensus)}<br/>endorsement: ${mermaidText(sub.endorsement)}"])`);
    for (const node of sub.orderers) lines.push(`  ${mermaidId(node)} -- orders --> ${id}`);
    for (const peer of sub.peers) lines.push(`  ${mermaidId(peer)} -- endorses, commits --> ${id}`);
  }
  const classes: Record<DiagramNodeKind, string> = { ca: 'fill:#eeeeee,stroke:#777', orderer: 'fill:#ffe4c4,stroke:#c77b30', peer: 'fill:#dbe9ff,stroke:#3b6fb6', 'chaincode-server': 'fill:#dff5df,stroke:#3c8c3c' };
  for (const [kind, style] of Object.entries(classes)) {
    const ids = m.sites.flatMap((s) => s.nodes.filter((n) => n.kind === kind).map((n) => mermaidId(n.id)));
    if (ids.length > 0) lines.push(`  classDef ${kind.replace('-', '_')} ${style}`, `  class ${ids.join(',')} ${kind.replace('-', '_')}`);
  }
  return `${lines.join('\n')}\n`;
}

const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const FILL: Record<DiagramNodeKind, { fill: string; stroke: string }> = {
  ca: { fill: '#eeeeee', stroke: '#777777' },
  orderer: { fill: '#ffe4c4', stroke: '#c77b30' },
  peer: { fill: '#dbe9ff', stroke: '#3b6fb6' },
  'chaincode-server': { fill: '#dff5df', stroke: '#3c8c3c' },
};

const SVG = { margin: 20, column: 270, gap: 24, header: 80, node: 42, nodeGap: 10, channel: 92, subsetChannel: 52 } as const;

/** The same picture as SVG: a column per site, its nodes stacked, the channel across the bottom. */
export function topologySvg(t: Topology): string {
  const m = diagramModel(t);
  const siteHeight = (s: DiagramSite): number => SVG.header + s.nodes.length * (SVG.node + SVG.nodeGap) + SVG.nodeGap;
  const tallest = Math.max(...m.sites.map(siteHeight));
  const width = SVG.margin * 2 + m.sites.length * SVG.column + (m.sites.length - 1) * SVG.gap;
  const channelY = SVG.margin + 30 + tallest + 70;
  const subsetY = channelY + SVG.channel + 16;
  const height = subsetY + m.subsetChannels.length * (SVG.subsetChannel + 12) + SVG.margin + 14;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${SVG.margin}" y="${SVG.margin + 14}" font-size="16" font-weight="bold">Donation ledger topology: ${m.sites.length} sites, channel${m.subsetChannels.length > 0 ? 's' : ''} ${xml([m.channel, ...m.subsetChannels.map((c) => c.name)].join(', '))}</text>`,
  ];
  m.sites.forEach((site, i) => {
    const x = SVG.margin + i * (SVG.column + SVG.gap);
    const y = SVG.margin + 30;
    parts.push(
      `<rect x="${x}" y="${y}" width="${SVG.column}" height="${tallest}" rx="10" fill="#fafafa" stroke="#555" stroke-width="1.5"/>`,
      `<text x="${x + 12}" y="${y + 20}" font-weight="bold" font-size="14">site ${xml(site.name)}</text>`,
      `<text x="${x + 12}" y="${y + 38}" fill="#333">MSP ${xml(site.mspId)}</text>`,
      `<text x="${x + 12}" y="${y + 55}" fill="#333">address ${xml(site.host)}</text>`,
      `<text x="${x + 12}" y="${y + 72}" fill="#333">Unix user ${xml(site.user)}</text>`,
    );
    site.nodes.forEach((node, j) => {
      const ny = y + SVG.header + SVG.nodeGap + j * (SVG.node + SVG.nodeGap);
      const { fill, stroke } = FILL[node.kind];
      const dash = node.optional ? ' stroke-dasharray="5,3"' : '';
      const bold = node.endorses ? ' stroke-width="2.5"' : ' stroke-width="1"';
      parts.push(
        `<rect x="${x + 12}" y="${ny}" width="${SVG.column - 24}" height="${SVG.node}" rx="6" fill="${fill}" stroke="${stroke}"${bold}${dash}/>`,
        `<text x="${x + 22}" y="${ny + 17}" font-weight="bold">${xml(node.id)}</text>`,
        `<text x="${x + 22}" y="${ny + 34}" fill="#333" font-size="12">${xml(node.detail)}</text>`,
      );
    });
    const roles = [...new Set(site.nodes.flatMap((n) => (n.kind === 'orderer' ? ['orders'] : n.kind === 'peer' ? [n.endorses ? 'endorses, commits' : 'commits'] : [])))];
    const cx = x + SVG.column / 2;
    parts.push(
      `<line x1="${cx}" y1="${y + tallest}" x2="${cx}" y2="${channelY}" stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"/>`,
      `<text x="${cx + 8}" y="${y + tallest + 38}" fill="#333" font-size="12">${xml(roles.join('; '))}</text>`,
    );
  });
  const cw = width - SVG.margin * 2;
  parts.push(
    `<rect x="${SVG.margin}" y="${channelY}" width="${cw}" height="${SVG.channel}" rx="30" fill="#fff8dc" stroke="#b8860b" stroke-width="2"/>`,
    `<text x="${SVG.margin + 24}" y="${channelY + 26}" font-weight="bold" font-size="14">channel ${xml(m.channel)} · chaincode ${xml(m.chaincode)} · ordering: ${xml(m.consensus)}</text>`,
    `<text x="${SVG.margin + 24}" y="${channelY + 48}">endorsement: ${xml(m.endorsement)}</text>`,
    `<text x="${SVG.margin + 24}" y="${channelY + 70}" fill="#333" font-size="12">every peer validates and commits every block; only public artifacts (MSP definitions, blocks, signatures) travel between sites</text>`,
    ...m.subsetChannels.map((sub, i) => {
      const y = subsetY + i * (SVG.subsetChannel + 12);
      return [
        `<rect x="${SVG.margin}" y="${y}" width="${cw}" height="${SVG.subsetChannel}" rx="20" fill="#f3ecff" stroke="#7b5bb6" stroke-width="1.5"/>`,
        `<text x="${SVG.margin + 24}" y="${y + 21}" font-weight="bold">channel ${xml(sub.name)} · members ${xml(sub.members.join(', '))} · ordered by ${xml(sub.orderers.join(', '))}</text>`,
        `<text x="${SVG.margin + 24}" y="${y + 40}" fill="#333" font-size="12">endorsement: ${xml(sub.endorsement)}; the other orgs' peers and orderers never receive its blocks</text>`,
      ].join('\n');
    }),
    legend(SVG.margin, subsetY + m.subsetChannels.length * (SVG.subsetChannel + 12) + 8),
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function legend(x: number, y: number): string {
  const items: [DiagramNodeKind, string][] = [['ca', 'certificate authority'], ['orderer', 'orderer'], ['peer', 'peer (thick: endorses)'], ['chaincode-server', 'chaincode server (dashed: bench only)']];
  let ix = x;
  return items.map(([kind, label]) => {
    const at = ix;
    ix += 40 + label.length * 7; // roughly the width of 12px Helvetica
    return `<rect x="${at}" y="${y - 11}" width="14" height="14" fill="${FILL[kind].fill}" stroke="${FILL[kind].stroke}"/><text x="${at + 20}" y="${y}" font-size="12">${label}</text>`;
  }).join('\n');
}
