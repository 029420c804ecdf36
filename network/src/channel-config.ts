// Changes to the channel's configuration, the way Fabric's "Adding an Org to a Channel" tutorial
// does them: fetch the latest config block, decode it with configtxlator, edit the JSON, compute
// the update, wrap it in an envelope, collect the signatures of enough org admins for the
// Application group's MAJORITY Admins policy (each org signs with its own admin identity), and
// submit it with `peer channel update`.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signUpdate, submitUpdate } from './config-signatures';
import { log, run } from './exec';
import { FabricBinaries } from './fabric-bin';
import { ordererCliArgs, ordererOrgConfigtx, peerCli, peerOrgConfigtx, peerSite } from './nodes';
import { RunPaths } from './paths';
import { OrdererNode, ordererNodes, PeerOrgConfig, SiteConfig, Topology } from './topology';

/** The decoded channel config (common.Config as configtxlator prints it); only the parts we edit are typed. */
export interface ChannelConfig {
  /** How many config updates the channel has had (a uint64, so configtxlator prints a string; absent at 0). */
  sequence?: string;
  channel_group: {
    groups: {
      Application: { groups: Record<string, unknown> };
      Orderer: {
        groups: Record<string, unknown>;
        values: {
          ConsensusType: { value: { type: string; metadata?: { consenters?: RaftConsenterJson[] } } };
          /** BFT only: the SmartBFT consenters. */
          Orderers?: { value: { consenter_mapping: BftConsenterJson[] } };
        };
        policies: { BlockValidation: { policy: { type: number; value: unknown } } };
      };
    };
  };
}

/** A Raft consenter as configtxlator prints it: its endpoint and its TLS certificates (base64 of the PEM). */
export interface RaftConsenterJson {
  host: string;
  port: number;
  client_tls_cert: string;
  server_tls_cert: string;
}

/**
 * A SmartBFT consenter as configtxlator prints it: its ID (unique in the mapping), endpoint, org, enrollment
 * certificate (what its block signatures are checked against) and TLS certificates, each the
 * base64 of the PEM.
 */
export interface BftConsenterJson {
  id: number;
  host: string;
  port: number;
  msp_id: string;
  identity: string;
  client_tls_cert: string;
  server_tls_cert: string;
}

/** An ordering node's consenter endpoint, in either consensus. */
export interface ConsenterEndpoint {
  readonly host: string;
  readonly port: number;
}

/** How many orgs' admins a MAJORITY policy over `members` orgs needs: more than half. */
export const majorityOf = (members: number): number => Math.floor(members / 2) + 1;

/** The MSP IDs of the application orgs in a channel config. */
export const applicationOrgs = (config: ChannelConfig): string[] => Object.keys(config.channel_group.groups.Application.groups);

/** The MSP IDs of the orgs in the Orderer group of a channel config: those that run ordering nodes. */
export const ordererOrgs = (config: ChannelConfig): string[] => Object.keys(config.channel_group.groups.Orderer.groups);

/** The consensus type of a channel config (etcdraft or BFT). */
export const consensusOf = (config: ChannelConfig): string => config.channel_group.groups.Orderer.values.ConsensusType.value.type;

/** The Raft consenters of a channel config (none for BFT, whose consenters are in the Orderers value). */
export const raftConsenters = (config: ChannelConfig): RaftConsenterJson[] =>
  consensusOf(config) === 'etcdraft' ? config.channel_group.groups.Orderer.values.ConsensusType.value.metadata?.consenters ?? [] : [];

/** The Raft consenter of an ordering node as the channel config holds it. */
export function raftConsenterOf(paths: RunPaths, node: OrdererNode): RaftConsenterJson {
  const cert = readFileSync(join(paths.tls(node.org.name, node.id), 'server.crt')).toString('base64');
  return { host: node.org.host, port: node.port, client_tls_cert: cert, server_tls_cert: cert };
}

/** Whether a consenter (Raft or BFT) is this ordering node (by its endpoint). */
export const isConsenter = (consenter: ConsenterEndpoint, node: OrdererNode): boolean => consenter.host === node.org.host && consenter.port === node.port;

/** The SmartBFT consenters of a channel config (none for Raft). */
export const bftConsenters = (config: ChannelConfig): BftConsenterJson[] =>
  consensusOf(config) === 'BFT' ? config.channel_group.groups.Orderer.values.Orderers?.value.consenter_mapping ?? [] : [];

/** The consenters of a channel config, whichever the consensus. */
export const consentersOf = (config: ChannelConfig): ConsenterEndpoint[] => (consensusOf(config) === 'BFT' ? bftConsenters(config) : raftConsenters(config));

/** How many of `n` SmartBFT consenters must sign a block (and agree on it): ceil((n + f + 1) / 2), f = floor((n - 1) / 3). */
export function bftQuorum(n: number): number {
  const f = Math.floor((n - 1) / 3);
  return Math.ceil((n + f + 1) / 2);
}

/** An ordering node as a SmartBFT consenter, but for its ID (withBftConsenter gives it one); its certificates from the run folder. */
export function bftConsenterOf(paths: RunPaths, node: OrdererNode): Omit<BftConsenterJson, 'id'> {
  const tls = readFileSync(join(paths.tls(node.org.name, node.id), 'server.crt')).toString('base64');
  const identity = readFileSync(join(paths.msp(node.org.name, node.id), 'signcerts', 'cert.pem')).toString('base64');
  return { host: node.org.host, port: node.port, msp_id: node.org.mspId, identity, client_tls_cert: tls, server_tls_cert: tls };
}

/**
 * The BFT BlockValidation policy over `consenters`, as configtxgen derives it from the consenter
 * mapping: a quorum of the consenters' enrollment certificates, each an IDENTITY principal.
 */
export function bftBlockValidation(consenters: readonly BftConsenterJson[]): unknown {
  return {
    identities: consenters.map((c) => ({ principal: { id_bytes: c.identity, mspid: c.msp_id }, principal_classification: 'IDENTITY' })),
    rule: { n_out_of: { n: bftQuorum(consenters.length), rules: consenters.map((_, i) => ({ signed_by: i })) } },
    version: 0,
  };
}

/** Sets the BFT consenters and, since block signatures are checked against them, the BlockValidation policy with them. */
function withBftConsenters(config: ChannelConfig, consenters: BftConsenterJson[]): ChannelConfig {
  const updated = structuredClone(config);
  const orderer = updated.channel_group.groups.Orderer;
  if (!orderer.values.Orderers) throw new Error('the channel config has no Orderers value: it is not a BFT channel');
  orderer.values.Orderers.value.consenter_mapping = consenters;
  orderer.policies.BlockValidation.policy.value = bftBlockValidation(consenters);
  return updated;
}

/**
 * The config with one more SmartBFT consenter, `consenter` (see bftConsenterOf), under the next ID:
 * one above the highest in the mapping (IDs only need to be unique in it; existing ones never
 * change). One per config update: the quorum changes with every consenter.
 */
export function withBftConsenter(config: ChannelConfig, consenter: Omit<BftConsenterJson, 'id'>, id: number): ChannelConfig {
  const current = bftConsenters(config);
  if (current.some((c) => c.host === consenter.host && c.port === consenter.port)) throw new Error(`${consenter.host}:${consenter.port} is a BFT consenter already`);
  if (current.some((c) => c.id === id)) throw new Error(`consenter ID ${id} is taken`);
  return withBftConsenters(config, [...current, { id, ...consenter }]);
}

/**
 * An ID for a new SmartBFT consenter that the channel never used. Consensus protocols forbid
 * reuse: a node given a removed node's ID replays the history in which that ID was a consenter,
 * and can be counted as that node. The mapping forgets removed consenters, so the ID comes from
 * what only grows: founding numbered the consenters 1..genesisConsenters, each config update of
 * these scripts adds at most one, and the config's sequence counts the updates; so no ID ever
 * given exceeds genesisConsenters + sequence.
 */
export function unusedBftConsenterId(config: ChannelConfig, genesisConsenters: number): number {
  return Math.max(genesisConsenters + Number(config.sequence ?? 0), ...bftConsenters(config).map((c) => c.id)) + 1;
}

/** The config without one ordering node as a SmartBFT consenter, and the BlockValidation quorum over the others. */
export function withoutBftConsenter(config: ChannelConfig, node: OrdererNode): ChannelConfig {
  return withBftConsenters(config, bftConsenters(config).filter((c) => !isConsenter(c, node)));
}

/** The config without one ordering node as a consenter, whichever the consensus. */
export const withoutConsenter = (config: ChannelConfig, node: OrdererNode): ChannelConfig =>
  consensusOf(config) === 'BFT' ? withoutBftConsenter(config, node) : withoutRaftConsenter(config, node);

/**
 * The Raft BlockValidation policy over the orgs that run ordering nodes, as configtxlator prints
 * OR('A.orderer','B.orderer'): a block needs one signature of an ordering node of one of them.
 */
export function raftBlockValidation(mspIds: readonly string[]): unknown {
  return {
    identities: mspIds.map((mspId) => ({ principal: { msp_identifier: mspId, role: 'ORDERER' }, principal_classification: 'ROLE' })),
    rule: { n_out_of: { n: 1, rules: mspIds.map((_, i) => ({ signed_by: i })) } },
    version: 0,
  };
}

/**
 * The config without one ordering node as a Raft consenter. Raft accepts one consenter change per
 * config update, so each node goes in an update of its own. Its endpoint stays in its org's
 * Orderer group entry, which only that org's admins may change, until the entry goes as a whole.
 */
export function withoutRaftConsenter(config: ChannelConfig, node: OrdererNode): ChannelConfig {
  const updated = structuredClone(config);
  const metadata = updated.channel_group.groups.Orderer.values.ConsensusType.value.metadata;
  if (metadata?.consenters) metadata.consenters = metadata.consenters.filter((c) => !isConsenter(c, node));
  return updated;
}

/** The config without an org in its Orderer group (and in the Raft BlockValidation policy). */
export function withoutOrdererOrg(config: ChannelConfig, mspId: string): ChannelConfig {
  const updated = structuredClone(config);
  const orderer = updated.channel_group.groups.Orderer;
  delete orderer.groups[mspId];
  if (consensusOf(updated) === 'etcdraft') orderer.policies.BlockValidation.policy.value = raftBlockValidation(ordererOrgs(updated));
  return updated;
}

/** Runs `attempt` up to `times` times, until it does not throw; throws the last error. */
function retrySync<T>(times: number, attempt: () => T, pauseMs = 0): T {
  for (let i = 1; ; i++) {
    try {
      return attempt();
    } catch (err) {
      if (i >= times) throw err;
      if (pauseMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
    }
  }
}

/** configtxlator writes to /dev/stdout unless told otherwise, which a pipe may not offer: use a file. */
export function decode(bins: FabricBinaries, input: string, type: string, step: string): string {
  const output = `${input}.json`;
  run(bins.path('configtxlator'), ['proto_decode', '--input', input, '--type', type, '--output', output], { step });
  return readFileSync(output, 'utf8');
}

/** Fetches and decodes the channel's latest config, acting as `admin`'s org admin. */
export function fetchChannelConfig(bins: FabricBinaries, t: Topology, paths: RunPaths, admin: PeerOrgConfig, workDir: string, which: 'config' | 'oldest' = 'config'): ChannelConfig {
  mkdirSync(workDir, { recursive: true });
  const block = join(workDir, `${which}-block.pb`);
  // Fetched on the admin's site, into its admin-work folder, by the site's user; copied out from there.
  const fetched = join(peerSite(bins, paths, admin).workDir, `${which}-block.pb`);
  rmSync(fetched, { force: true });
  // From the first orderer that answers: one that is down must not stop governance. Twice round
  // the list, a second apart: right after a change of the consenters the one node that has the
  // channel may be electing a leader while the others answer NOT_FOUND (seen: the node of an org
  // just removed, a follower by then).
  let attempt = 0;
  retrySync(2 * ordererNodes(t).length, () =>
    peerCli(bins, t, paths, admin, ['channel', 'fetch', which, fetched, '-c', t.channel, ...ordererCliArgs(t, paths, admin, attempt++)],
      `fetch the ${which === 'config' ? 'config' : 'genesis'} block of channel ${t.channel} as ${admin.mspId}`), 1000);
  copyFileSync(fetched, block);
  rmSync(fetched);
  const decoded = decode(bins, block, 'common.Block', 'decode the config block');
  const config = (JSON.parse(decoded) as { data: { data: { payload: { data: { config: ChannelConfig } } }[] } }).data.data[0]?.payload.data.config;
  if (!config?.channel_group.groups.Application) throw new Error(`the config block of ${t.channel} has no Application group`);
  return config;
}

/** An org as configtxgen -printOrg describes it (MSP with NodeOUs, the org's policies), from its configtx.yaml entry. */
function printOrg(bins: FabricBinaries, configtxOrg: Record<string, unknown>, mspId: string, workDir: string): { values: Record<string, unknown> } {
  mkdirSync(workDir, { recursive: true });
  // configtxgen reads a configtx.yaml; JSON is valid YAML.
  writeFileSync(join(workDir, 'configtx.yaml'), JSON.stringify({ Organizations: [configtxOrg] }, null, 2));
  const printed = run(bins.path('configtxgen'), ['-configPath', workDir, '-printOrg', mspId], {
    step: `describe ${mspId} for the channel config (configtxgen -printOrg)`,
  });
  return JSON.parse(printed) as { values: Record<string, unknown> };
}

/** The org's Orderer group entry (MSP, policies over its members, its ordering nodes' endpoints). */
export function ordererOrgConfigGroup(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, workDir: string): unknown {
  const group = printOrg(bins, ordererOrgConfigtx(t, paths, org), org.mspId, join(workDir, 'orderer-org'));
  // -printOrg leaves the endpoints out, as it does the anchor peers.
  group.values.Endpoints ??= { mod_policy: 'Admins', value: { addresses: org.orderers.map((n) => `${org.host}:${n.port}`) }, version: '0' };
  return group;
}

/** The org's config group (MSP with NodeOUs, Readers/Writers/Admins/Endorsement policies, anchor peer), from configtxgen. */
export function orgConfigGroup(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, workDir: string): unknown {
  const group = printOrg(bins, peerOrgConfigtx(t, paths, org), org.mspId, workDir);
  // configtxgen leaves the anchor peers out of -printOrg; the channel needs them for discovery.
  group.values.AnchorPeers ??= {
    mod_policy: 'Admins',
    value: { anchor_peers: org.peers.slice(0, 1).map((p) => ({ host: org.host, port: p.port })) },
    version: '0',
  };
  return group;
}

/**
 * Computes the update from `original` to `updated` and wraps it, unsigned, in an envelope file:
 * what travels to the members' sites to be signed.
 */
export function createUpdateEnvelope(bins: FabricBinaries, t: Topology, workDir: string, change: { original: unknown; updated: unknown; what: string }): string {
  mkdirSync(workDir, { recursive: true });
  const file = (name: string): string => join(workDir, name);
  writeFileSync(file('original.json'), JSON.stringify(change.original));
  writeFileSync(file('updated.json'), JSON.stringify(change.updated));
  const configtxlator = bins.path('configtxlator');
  for (const name of ['original', 'updated']) {
    run(configtxlator, ['proto_encode', '--input', file(`${name}.json`), '--type', 'common.Config', '--output', file(`${name}.pb`)], {
      step: `encode the ${name} channel config`,
    });
  }
  run(configtxlator, ['compute_update', '--channel_id', t.channel, '--original', file('original.pb'), '--updated', file('updated.pb'), '--output', file('update.pb')], {
    step: `compute the config update (${change.what})`,
  });
  const update = JSON.parse(decode(bins, file('update.pb'), 'common.ConfigUpdate', 'decode the config update')) as unknown;
  const envelope = { payload: { header: { channel_header: { channel_id: t.channel, type: 2 } }, data: { config_update: update } } };
  writeFileSync(file('envelope.json'), JSON.stringify(envelope));
  run(configtxlator, ['proto_encode', '--input', file('envelope.json'), '--type', 'common.Envelope', '--output', file('envelope.pb')], {
    step: 'encode the config update envelope',
  });
  return file('envelope.pb');
}

/**
 * Makes the update from `original` to `updated` the way separate sites would: the envelope goes
 * to each signer but the last, whose admin signs on its own site and returns a signature file
 * (kept in `workDir`); the last signer checks the files and submits. Waits until it committed.
 */
export async function updateChannelConfig(
  bins: FabricBinaries, t: Topology, paths: RunPaths, workDir: string,
  change: { original: ChannelConfig; updated: ChannelConfig; signers: readonly SiteConfig[]; what: string },
): Promise<void> {
  const envelopeFile = createUpdateEnvelope(bins, t, workDir, change);
  const last = change.signers[change.signers.length - 1];
  if (!last) throw new Error('a config update needs at least one signer');
  // A member's admin submits (through its peer CLI): the last signer, or when that is the
  // orderer-only org (a change only the ordering service's admins sign), the first member, whose
  // extra signature the policy does not need.
  const lastMember = t.orgs.find((o) => o.name === last.name);
  const submitter = lastMember ?? t.orgs[0];
  if (!submitter) throw new Error(`channel ${t.channel} has no member org to submit the config update`);
  const others = lastMember ? change.signers.slice(0, -1) : change.signers;
  const signatures = others.map((signer) => {
    const signature = signUpdate(bins, paths, signer, envelopeFile, workDir);
    writeFileSync(join(workDir, `${signer.name}.signature.json`), `${JSON.stringify(signature, null, 2)}\n`);
    log(`${signer.mspId}'s admin signed the config update (${change.what})`);
    return signature;
  });
  await submitUpdate(bins, t, paths, submitter, { envelopeFile, signatures, config: change.original, what: change.what, workDir });
}

/** The ledger height of a peer, as its org admin sees it. */
export function channelHeight(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, peer = org.peers[0]): number {
  const out = peerCli(bins, t, paths, org, ['channel', 'getinfo', '-c', t.channel], `read the height of ${t.channel} on ${peer?.name ?? 'a peer'}.${org.name}`, peer);
  const json = /\{.*\}/s.exec(out)?.[0];
  const height = json === undefined ? NaN : (JSON.parse(json) as { height?: number }).height;
  if (typeof height !== 'number' || !Number.isInteger(height)) throw new Error(`unexpected output of peer channel getinfo: ${out.trim()}`);
  return height;
}

/** Reads a PEM file as the channel config would carry it (for comparisons). */
export function readPem(file: string): string {
  return readFileSync(file, 'utf8').trim();
}
