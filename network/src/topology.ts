// The network is generated from one topology file. This module reads it, checks every field
// and derives the things the rest of the scripts need (node IDs, endpoints, all ports), so that
// a bad topology stops the scripts before anything is started.
import { readFileSync } from 'node:fs';
import { COMPARATORS, Comparator, MSP_ID_PATTERN, VotingLimit, VotingPolicy } from '@donation-ledger/model';

export interface CaConfig {
  readonly port: number;
  readonly operationsPort: number;
}

export interface PeerConfig {
  readonly name: string;
  readonly port: number;
  readonly chaincodePort: number;
  readonly operationsPort: number;
}

export interface UserConfig {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
}

export interface OrdererNodeConfig {
  readonly name: string;
  readonly port: number;
  readonly adminPort: number;
  readonly operationsPort: number;
}

/** What every site has: a name, an MSP, its loopback address and its CA. */
export interface SiteConfig {
  readonly name: string;
  readonly mspId: string;
  /** The loopback address this org's site listens on (each site its own; default: the topology's host). */
  readonly host: string;
  readonly ca: CaConfig;
  /** The ordering nodes this org runs on its site (none for most member orgs). */
  readonly orderers: readonly OrdererNodeConfig[];
}

export interface PeerOrgConfig extends SiteConfig {
  /** Its chaincode server's port; benchPort, that of the bench's chaincode (only `npm run bench` starts it). */
  readonly chaincodeServer: { readonly port: number; readonly benchPort?: number };
  readonly peers: readonly PeerConfig[];
  readonly users: readonly UserConfig[];
}

/** An org outside the consortium that runs only ordering nodes (the topology's optional `orderer.name`, `mspId`, `ca`, `nodes`). */
export type OrdererOnlyOrgConfig = SiteConfig;

/** An ordering node with the org that runs it; `id` names its process, data and identity (`orderer0.ngo`). */
export interface OrdererNode extends OrdererNodeConfig {
  readonly id: string;
  readonly org: SiteConfig;
}

/** How the orderers agree on blocks: Raft (crash faults) or SmartBFT (Byzantine faults, Fabric 3). */
export type ConsensusType = 'etcdraft' | 'BFT';
export const CONSENSUS_TYPES: readonly ConsensusType[] = ['etcdraft', 'BFT'];

export interface RaftOptions {
  readonly tickInterval: string;
  readonly electionTick: number;
  readonly heartbeatTick: number;
}

/** The SmartBFT options worth changing here; the others keep Fabric's defaults (see nodes.ts). */
export interface SmartBftOptions {
  /** How long the leader waits to fill a batch (BFT's batch timeout). */
  readonly requestBatchMaxInterval: string;
  /** How long followers wait without the leader's heartbeat before they replace it. */
  readonly leaderHeartbeatTimeout: string;
  /**
   * How long a request may wait to be ordered before the followers complain about the leader and
   * replace it. This, not the heartbeat, ends the outage when a killed leader is restarted at once:
   * it comes back as the leader, sends heartbeats, but cannot lead (measured on this project).
   */
  readonly requestComplainTimeout: string;
  /** How long a view change (choosing the next leader) may take before the next one is tried. */
  readonly viewChangeTimeout: string;
}

/** SmartBFT resends view-change messages this often (Fabric's default); a view change must allow at least one resend. */
export const SMARTBFT_VIEW_CHANGE_RESEND_INTERVAL = '5s';
/** A follower forwards a request to the leader after this long (Fabric's default); complaining comes after. */
export const SMARTBFT_REQUEST_FORWARD_TIMEOUT = '2s';
/** A request still unordered after this long is dropped from the pool (Fabric's default); complaining comes before. */
export const SMARTBFT_REQUEST_AUTO_REMOVE_TIMEOUT = '3m';

/** How the channel's ordering service orders: the same for every ordering node, whichever org runs it. */
interface OrderingBase {
  readonly batchTimeout: string;
  readonly batchSize: {
    readonly maxMessageCount: number;
    readonly absoluteMaxBytes: string;
    readonly preferredMaxBytes: string;
  };
}

export interface RaftOrderingConfig extends OrderingBase {
  readonly consensus: 'etcdraft';
  readonly raft: RaftOptions;
}

export interface BftOrderingConfig extends OrderingBase {
  readonly consensus: 'BFT';
  readonly smartbft: SmartBftOptions;
}

export type OrderingConfig = RaftOrderingConfig | BftOrderingConfig;

/** The fewest ordering nodes each consensus accepts: BFT tolerates f faults with 3f+1 nodes. */
export const MIN_ORDERERS: Readonly<Record<ConsensusType, number>> = { etcdraft: 1, BFT: 4 };

/** How many of `n` ordering nodes may fail (crash, or for BFT also misbehave) with the service still ordering. */
export function faultsTolerated(consensus: ConsensusType, n: number): number {
  return consensus === 'BFT' ? Math.floor((n - 1) / 3) : Math.floor((n - 1) / 2);
}

export interface ChaincodeConfig {
  readonly name: string;
  /** Path of the chaincode package, relative to the repository root. */
  readonly path: string;
  /**
   * A signature policy such as AND('A.peer','B.peer'), or the path of a channel policy such as
   * /Channel/Application/Endorsement (MAJORITY of the member orgs, whoever they are at the time).
   */
  readonly endorsementPolicy: string;
  /** Private data collections config, relative to the repository root ('' for none). */
  readonly collections: string;
}

/** The voting rules the ledger's governance starts with (see docs/governance.md): the model's VotingPolicy. */
export type GovernancePolicy = VotingPolicy;

export const DEFAULT_GOVERNANCE: GovernancePolicy = { thresholdPercentage: 50, comparator: 'GREATER_THAN', proposalDurationHours: 24 };

/**
 * A channel besides the main one (the topology's `channels`), for some of the member orgs: only
 * their peers hold its ledger and only their ordering nodes order it, because ordering nodes see
 * every transaction of the channels they order. The ledger's chaincode runs on it under its own
 * definition.
 */
export interface SubsetChannelConfig {
  readonly name: string;
  /** The names of the member orgs in it: member orgs of the topology, founders or invited. */
  readonly members: readonly string[];
  /**
   * The members whose ordering nodes order it (by default all of them as the file lists them).
   * An org that joins the channel later joins with its peers: its ordering nodes are not added.
   */
  readonly orderedBy: readonly string[];
  /** Its chaincode definition's endorsement policy; by default the channel's MAJORITY Endorsement policy. */
  readonly endorsementPolicy: string;
  /** Its private data collections config ('' for none, the default: collections name their orgs, so each channel needs its own). */
  readonly collections: string;
}

export interface Topology {
  /** The main channel: every member org is in it (and governance adds and removes orgs there). */
  readonly channel: string;
  readonly host: string;
  /** The ordering service's settings (the topology file's `orderer` section). */
  readonly ordering: OrderingConfig;
  /** An org outside the consortium that runs ordering nodes, when the topology has one (by default none: members run them). */
  readonly ordererOrg?: OrdererOnlyOrgConfig;
  /** The application orgs that are members of the channel now (founders and orgs added by governance). */
  readonly orgs: readonly PeerOrgConfig[];
  readonly chaincode: ChaincodeConfig;
  readonly governance: GovernancePolicy;
  /** The other channels, each for a subset of the members (none by default). */
  readonly channels: readonly SubsetChannelConfig[];
}

export class TopologyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TopologyError';
  }
}

/**
 * SmartBFT options when the topology gives none: Fabric's defaults (1 min heartbeat timeout, 20 s
 * complain and view-change timeouts) suit nodes across a WAN; on one machine a dead leader is
 * noticed within 10 s.
 * requestBatchMaxInterval defaults to the topology's batchTimeout (BFT ignores BatchTimeout).
 */
export const DEFAULT_SMARTBFT: SmartBftOptions = {
  requestBatchMaxInterval: '250ms', leaderHeartbeatTimeout: '10s', requestComplainTimeout: '10s', viewChangeTimeout: '10s',
};

/** Milliseconds of a duration like 250ms, 10s or 2m (the forms DURATION accepts). */
export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)$/;
const CHANNEL = /^[a-z][a-z0-9.-]{0,48}$/;
const DURATION = /^\d+(ms|s|m)$/;
const BYTES = /^\d+ (KB|MB)$/;
/** Identity names the scripts register themselves in every org's CA. */
export const RESERVED_IDENTITIES = ['admin', 'orgadmin', 'ccaas', 'registrar'];
const ATTR_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const SIGNATURE_POLICY = /^(AND|OR|OutOf)\(.+\)$/;
const CHANNEL_POLICY = /^\/Channel\/Application\/[A-Za-z][A-Za-z0-9]*$/;

/** The channel policy a subset channel's chaincode definition uses unless the topology names another: MAJORITY of its members. */
export const DEFAULT_CHANNEL_ENDORSEMENT = '/Channel/Application/Endorsement';

/** Whether the endorsement policy is a channel policy (a path) rather than a signature policy. */
export const isChannelPolicy = (policy: string): boolean => CHANNEL_POLICY.test(policy);
/** The MSP IDs a signature policy names (none for a channel policy). */
export const mspIdsInPolicy = (policy: string): string[] => (policy.match(/'([^'.]+)\./g) ?? []).map((m) => m.slice(1, -1));

/** Reads and validates a topology file; `portOffset` shifts every port (used by the test suite). */
export function loadTopology(file: string, portOffset = 0): Topology {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TopologyError(file, [`cannot be read as JSON: ${(err as Error).message}`]);
  }
  return validateTopology(raw, file, portOffset);
}

export function validateTopology(raw: unknown, file = 'topology', portOffset = 0): Topology {
  const problems: string[] = [];
  const check = new Checker(problems, portOffset);
  const top = check.object(raw, '', ['channel', 'host', 'orderer', 'orgs', 'chaincode', 'governance', 'channels']);

  const channel = check.matching(top.channel, 'channel', CHANNEL, 'a lower-case channel name');
  const host = check.matching(top.host, 'host', LOOPBACK, 'a loopback address');

  const o = check.object(top.orderer, 'orderer', [
    'consensus', 'batchTimeout', 'batchSize', 'raft', 'smartbft', 'name', 'mspId', 'host', 'ca', 'nodes',
  ]);
  const batchSize = check.object(o.batchSize, 'orderer.batchSize', [
    'maxMessageCount', 'absoluteMaxBytes', 'preferredMaxBytes',
  ]);
  const consensus = check.consensus(o.consensus ?? 'etcdraft', 'orderer.consensus');
  const base: OrderingBase = {
    batchTimeout: check.matching(o.batchTimeout, 'orderer.batchTimeout', DURATION, 'a duration like 250ms'),
    batchSize: {
      maxMessageCount: check.integer(batchSize.maxMessageCount, 'orderer.batchSize.maxMessageCount', 1, 100000),
      absoluteMaxBytes: check.matching(batchSize.absoluteMaxBytes, 'orderer.batchSize.absoluteMaxBytes', BYTES, 'a size like 10 MB'),
      preferredMaxBytes: check.matching(batchSize.preferredMaxBytes, 'orderer.batchSize.preferredMaxBytes', BYTES, 'a size like 2 MB'),
    },
  };
  let ordering: OrderingConfig;
  if (consensus === 'BFT') {
    if (o.raft !== undefined) problems.push('orderer.raft: only for consensus etcdraft; BFT takes its options from orderer.smartbft');
    ordering = { ...base, consensus, smartbft: check.smartBft(o.smartbft ?? {}, 'orderer.smartbft', base.batchTimeout) };
  } else {
    if (o.smartbft !== undefined) problems.push('orderer.smartbft: only for consensus BFT (this topology\'s consensus is etcdraft)');
    const raft = check.object(o.raft, 'orderer.raft', ['tickInterval', 'electionTick', 'heartbeatTick']);
    ordering = {
      ...base,
      consensus,
      raft: {
        tickInterval: check.matching(raft.tickInterval, 'orderer.raft.tickInterval', DURATION, 'a duration like 500ms'),
        electionTick: check.integer(raft.electionTick, 'orderer.raft.electionTick', 2, 1000),
        heartbeatTick: check.integer(raft.heartbeatTick, 'orderer.raft.heartbeatTick', 1, 1000),
      },
    };
  }
  // An orderer-only org: all of its fields, or none (then the member orgs run the ordering nodes).
  const orgFields = ['name', 'mspId', 'host', 'ca', 'nodes'].filter((f) => o[f] !== undefined);
  let ordererOrg: OrdererOnlyOrgConfig | undefined;
  if (orgFields.length > 0) {
    const missing = ['name', 'mspId', 'ca', 'nodes'].filter((f) => o[f] === undefined);
    if (missing.length > 0) {
      problems.push(`orderer: an orderer-only org needs name, mspId, ca and nodes (missing: ${missing.join(', ')}); without any of them, member orgs run the ordering nodes (orgs[].orderers)`);
    }
    ordererOrg = {
      name: check.matching(o.name, 'orderer.name', NAME, 'a lower-case name'),
      mspId: check.matching(o.mspId, 'orderer.mspId', MSP_ID_PATTERN, 'an MSP ID'),
      host: check.host(o.host, 'orderer.host', host),
      ca: check.ca(o.ca, 'orderer.ca'),
      orderers: check.ordererNodes(o.nodes ?? [], 'orderer.nodes', 1),
    };
  }

  const orgs = check.list(top.orgs, 'orgs', 1, (raw, at) => check.peerOrg(raw, at, host));

  const cc = check.object(top.chaincode, 'chaincode', ['name', 'path', 'endorsementPolicy', 'collections']);
  const chaincode: ChaincodeConfig = {
    name: check.matching(cc.name, 'chaincode.name', /^[a-z][a-z0-9_-]{0,30}$/, 'a lower-case chaincode name'),
    path: check.matching(cc.path, 'chaincode.path', /^[A-Za-z0-9_./-]+$/, 'a relative path'),
    endorsementPolicy: check.endorsementPolicy(cc.endorsementPolicy, 'chaincode.endorsementPolicy'),
    collections: cc.collections === undefined ? '' : check.collections(cc.collections, 'chaincode.collections'),
  };
  const channels = check.list(top.channels ?? [], 'channels', 0, (c, at) => check.subsetChannel(c, at));

  const topology: Topology = {
    channel, host, ordering, ...(ordererOrg ? { ordererOrg } : {}), orgs, chaincode, governance: check.governance(top.governance ?? DEFAULT_GOVERNANCE, 'governance'), channels,
  };
  if (problems.length === 0) crossCheck(topology, problems);
  if (problems.length > 0) throw new TopologyError(file, problems);
  return topology;
}

function crossCheck(t: Topology, problems: string[]): void {
  const names = new Set<string>();
  const mspIds = new Set<string>();
  for (const org of sites(t)) {
    if (names.has(org.name)) problems.push(`org name "${org.name}" is used twice`);
    if (mspIds.has(org.mspId)) problems.push(`MSP ID "${org.mspId}" is used twice`);
    names.add(org.name);
    mspIds.add(org.mspId);
  }
  for (const org of t.orgs) {
    const peerNames = new Set(org.peers.map((p) => p.name));
    if (peerNames.size !== org.peers.length) problems.push(`org "${org.name}" has two peers with one name`);
    const userNames = new Set(org.users.map((u) => u.name));
    if (userNames.size !== org.users.length) problems.push(`org "${org.name}" has two users with one name`);
    for (const reserved of [...RESERVED_IDENTITIES, ...peerNames]) {
      if (userNames.has(reserved)) problems.push(`org "${org.name}": user name "${reserved}" is reserved`);
    }
  }
  for (const org of sites(t)) {
    if (new Set(org.orderers.map((n) => n.name)).size !== org.orderers.length) problems.push(`org "${org.name}" has two orderer nodes with one name`);
  }
  const nodes = ordererNodes(t);
  const min = MIN_ORDERERS[t.ordering.consensus];
  if (nodes.length < min) {
    const why = t.ordering.consensus === 'BFT' ? ' (3f+1 nodes tolerate f faulty ones; 4 tolerate 1)' : '';
    const where = ordererSites(t).map((o) => `${o.name}: ${o.orderers.length}`).join(', ') || 'none in orgs[].orderers or orderer.nodes';
    problems.push(`consensus ${t.ordering.consensus} needs at least ${min} ordering node${min === 1 ? '' : 's'} in all${why}, got ${nodes.length} (${where})`);
  }
  for (const id of mspIdsInPolicy(t.chaincode.endorsementPolicy)) {
    if (!t.orgs.some((o) => o.mspId === id)) {
      problems.push(`chaincode.endorsementPolicy names ${id}, which is not an org of the topology`);
    }
  }
  t.channels.forEach((c, i) => problems.push(...subsetChannelProblems(t, c, `channels[${i}]`)));
}

/** What is wrong with a subset channel given the topology's orgs and ordering. */
function subsetChannelProblems(t: Topology, c: SubsetChannelConfig, at: string): string[] {
  const problems: string[] = [];
  const same = t.channels.filter((other) => other.name === c.name).length;
  if (c.name === t.channel) problems.push(`${at}.name: "${c.name}" is the main channel (the topology's channel); a subset channel needs a name of its own`);
  else if (same > 1) problems.push(`${at}.name: channel "${c.name}" is declared ${same} times`);
  if (new Set(c.members).size !== c.members.length) problems.push(`${at}.members: names an org twice`);
  const unknown = c.members.filter((m) => !t.orgs.some((o) => o.name === m));
  if (unknown.length > 0) problems.push(`${at}.members: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a member org of the topology (it has: ${t.orgs.map((o) => o.name).join(', ')})`);
  const members = t.orgs.filter((o) => c.members.includes(o.name));
  for (const id of mspIdsInPolicy(c.endorsementPolicy)) {
    if (!members.some((o) => o.mspId === id)) problems.push(`${at}.endorsementPolicy names ${id}, which is not a member of channel ${c.name}`);
  }
  const outsiders = c.orderedBy.filter((m) => !c.members.includes(m));
  if (outsiders.length > 0) problems.push(`${at}.orderedBy: ${outsiders.join(', ')} ${outsiders.length === 1 ? 'is' : 'are'} not among its members; only members' ordering nodes may see its blocks`);
  const nodes = members.filter((o) => c.orderedBy.includes(o.name)).reduce((n, o) => n + o.orderers.length, 0);
  const min = MIN_ORDERERS[t.ordering.consensus];
  if (unknown.length === 0 && outsiders.length === 0 && nodes < min) {
    problems.push(`${at}: channel ${c.name} is ordered only by its members' ordering nodes (an ordering node sees every transaction of its channels), ` +
      `and consensus ${t.ordering.consensus} needs at least ${min}; its ordering members run ${nodes}`);
  }
  return problems;
}

/** Collects every problem instead of stopping at the first one, so a user fixes them in one go. */
class Checker {
  private readonly portsSeen = new Map<number, string>();

  constructor(
    private readonly problems: string[],
    private readonly portOffset: number,
  ) {}

  object(value: unknown, at: string, allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push(`${at || 'the file'}: must be an object`);
      return {};
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.problems.push(`${at ? at + '.' : ''}${key}: unknown field (allowed: ${allowed.join(', ')})`);
    }
    return value as Record<string, unknown>;
  }

  list<T>(value: unknown, at: string, min: number, each: (item: unknown, at: string) => T): T[] {
    if (!Array.isArray(value)) {
      this.problems.push(`${at}: must be a list`);
      return [];
    }
    if (value.length < min) this.problems.push(`${at}: needs at least ${min} entr${min === 1 ? 'y' : 'ies'}`);
    return value.map((item, i) => each(item, `${at}[${i}]`));
  }

  matching(value: unknown, at: string, pattern: RegExp, what: string): string {
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.problems.push(`${at}: must be ${what}, got ${JSON.stringify(value)}`);
      return '';
    }
    return value;
  }

  integer(value: unknown, at: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${at}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return min;
    }
    return value;
  }

  port(value: unknown, at: string): number {
    const problems = this.problems.length;
    const port = this.integer(value, at, 1024, 65535 - this.portOffset) + this.portOffset;
    if (this.problems.length > problems) return port; // not a port: no clash to report either
    const other = this.portsSeen.get(port);
    if (other !== undefined) this.problems.push(`${at}: port ${port} is already used by ${other}`);
    else this.portsSeen.set(port, at);
    return port;
  }

  ca(value: unknown, at: string): CaConfig {
    const ca = this.object(value, at, ['port', 'operationsPort']);
    return { port: this.port(ca.port, `${at}.port`), operationsPort: this.port(ca.operationsPort, `${at}.operationsPort`) };
  }

  /** A site's loopback address; without one, the topology's host. */
  host(value: unknown, at: string, defaultHost: string): string {
    return value === undefined ? defaultHost : this.matching(value, at, LOOPBACK, 'a loopback address like 127.0.2.1');
  }

  peerOrg(raw: unknown, at: string, defaultHost: string): PeerOrgConfig {
    const org = this.object(raw, at, ['name', 'mspId', 'host', 'ca', 'orderers', 'chaincodeServer', 'peers', 'users']);
    const ccs = this.object(org.chaincodeServer, `${at}.chaincodeServer`, ['port', 'benchPort']);
    return {
      name: this.matching(org.name, `${at}.name`, NAME, 'a lower-case name'),
      mspId: this.matching(org.mspId, `${at}.mspId`, MSP_ID_PATTERN, 'an MSP ID'),
      host: this.host(org.host, `${at}.host`, defaultHost),
      ca: this.ca(org.ca, `${at}.ca`),
      orderers: this.ordererNodes(org.orderers ?? [], `${at}.orderers`, 0),
      chaincodeServer: {
        port: this.port(ccs.port, `${at}.chaincodeServer.port`),
        ...(ccs.benchPort === undefined ? {} : { benchPort: this.port(ccs.benchPort, `${at}.chaincodeServer.benchPort`) }),
      },
      peers: this.list(org.peers, `${at}.peers`, 1, (p, pat) => {
        const peer = this.object(p, pat, ['name', 'port', 'chaincodePort', 'operationsPort']);
        return {
          name: this.matching(peer.name, `${pat}.name`, NAME, 'a lower-case name'),
          port: this.port(peer.port, `${pat}.port`),
          chaincodePort: this.port(peer.chaincodePort, `${pat}.chaincodePort`),
          operationsPort: this.port(peer.operationsPort, `${pat}.operationsPort`),
        };
      }),
      users: this.list(org.users ?? [], `${at}.users`, 0, (u, uat) => {
        const user = this.object(u, uat, ['name', 'attrs']);
        return {
          name: this.matching(user.name, `${uat}.name`, NAME, 'a lower-case name'),
          attrs: this.attrs(user.attrs ?? {}, `${uat}.attrs`),
        };
      }),
    };
  }

  ordererNodes(value: unknown, at: string, min: number): OrdererNodeConfig[] {
    return this.list(value, at, min, (n, nat) => {
      const node = this.object(n, nat, ['name', 'port', 'adminPort', 'operationsPort']);
      return {
        name: this.matching(node.name, `${nat}.name`, NAME, 'a lower-case name'),
        port: this.port(node.port, `${nat}.port`),
        adminPort: this.port(node.adminPort, `${nat}.adminPort`),
        operationsPort: this.port(node.operationsPort, `${nat}.operationsPort`),
      };
    });
  }

  consensus(value: unknown, at: string): ConsensusType {
    const consensus = CONSENSUS_TYPES.find((c) => c === value);
    if (consensus === undefined) this.problems.push(`${at}: must be one of ${CONSENSUS_TYPES.join(', ')}, got ${JSON.stringify(value)}`);
    return consensus ?? 'etcdraft';
  }

  /** A duration within [min, max] (given as durations), in the form Fabric parses (250ms, 10s, 1m); `why` explains a bound. */
  duration(value: unknown, at: string, bounds: { min: string; max?: string; why?: string }): string {
    const text = this.matching(value, at, DURATION, 'a duration like 10s');
    if (text === '') return text;
    const ms = durationMs(text);
    const why = bounds.why ? ` (${bounds.why})` : '';
    if (ms < durationMs(bounds.min)) this.problems.push(`${at}: must be at least ${bounds.min}${why}, got ${text}`);
    else if (bounds.max !== undefined && ms > durationMs(bounds.max)) this.problems.push(`${at}: must be at most ${bounds.max}${why}, got ${text}`);
    return text;
  }

  smartBft(value: unknown, at: string, batchTimeout: string): SmartBftOptions {
    const b = this.object(value, at, ['requestBatchMaxInterval', 'leaderHeartbeatTimeout', 'requestComplainTimeout', 'viewChangeTimeout']);
    return {
      // Without its own value, the leader batches as long as the topology's batch timeout says.
      requestBatchMaxInterval: this.duration(b.requestBatchMaxInterval ?? (batchTimeout || DEFAULT_SMARTBFT.requestBatchMaxInterval), `${at}.requestBatchMaxInterval`, { min: '1ms' }),
      leaderHeartbeatTimeout: this.duration(b.leaderHeartbeatTimeout ?? DEFAULT_SMARTBFT.leaderHeartbeatTimeout, `${at}.leaderHeartbeatTimeout`, {
        min: '1s', why: 'the leader sends 10 heartbeats per timeout; faster would flood a loaded machine',
      }),
      requestComplainTimeout: this.duration(b.requestComplainTimeout ?? DEFAULT_SMARTBFT.requestComplainTimeout, `${at}.requestComplainTimeout`, {
        min: SMARTBFT_REQUEST_FORWARD_TIMEOUT, max: SMARTBFT_REQUEST_AUTO_REMOVE_TIMEOUT,
        why: `SmartBFT forwards a request after ${SMARTBFT_REQUEST_FORWARD_TIMEOUT} and drops it after ${SMARTBFT_REQUEST_AUTO_REMOVE_TIMEOUT}`,
      }),
      viewChangeTimeout: this.duration(b.viewChangeTimeout ?? DEFAULT_SMARTBFT.viewChangeTimeout, `${at}.viewChangeTimeout`, {
        min: SMARTBFT_VIEW_CHANGE_RESEND_INTERVAL, why: `SmartBFT resends view-change messages every ${SMARTBFT_VIEW_CHANGE_RESEND_INTERVAL}`,
      }),
    };
  }

  endorsementPolicy(value: unknown, at: string): string {
    return this.matching(value, at, new RegExp(`${SIGNATURE_POLICY.source}|${CHANNEL_POLICY.source}`),
      "a channel policy like /Channel/Application/Endorsement or a signature policy like AND('A.peer','B.peer')");
  }

  collections(value: unknown, at: string): string {
    return this.matching(value, at, /^[A-Za-z0-9_./-]+\.json$/, 'a relative path to a .json file');
  }

  subsetChannel(value: unknown, at: string): SubsetChannelConfig {
    const c = this.object(value, at, ['name', 'members', 'orderedBy', 'endorsementPolicy', 'collections']);
    const members = this.list(c.members, `${at}.members`, 1, (m, mat) => this.matching(m, mat, NAME, 'the name of a member org'));
    return {
      name: this.matching(c.name, `${at}.name`, CHANNEL, 'a lower-case channel name'),
      members,
      orderedBy: c.orderedBy === undefined ? members : this.list(c.orderedBy, `${at}.orderedBy`, 1, (m, mat) => this.matching(m, mat, NAME, 'the name of a member org')),
      endorsementPolicy: this.endorsementPolicy(c.endorsementPolicy ?? DEFAULT_CHANNEL_ENDORSEMENT, `${at}.endorsementPolicy`),
      collections: c.collections === undefined ? '' : this.collections(c.collections, `${at}.collections`),
    };
  }

  governance(value: unknown, at: string): GovernancePolicy {
    const g = this.object(value, at, ['thresholdPercentage', 'comparator', 'proposalDurationHours']);
    const comparators: readonly Comparator[] = COMPARATORS;
    const comparator = comparators.find((c) => c === g.comparator);
    if (comparator === undefined) this.problems.push(`${at}.comparator: must be one of ${comparators.join(', ')}, got ${JSON.stringify(g.comparator)}`);
    return {
      thresholdPercentage: this.integer(g.thresholdPercentage, `${at}.thresholdPercentage`, VotingLimit.minThresholdPercentage, VotingLimit.maxThresholdPercentage),
      comparator: comparator ?? 'GREATER_THAN',
      proposalDurationHours: this.integer(g.proposalDurationHours, `${at}.proposalDurationHours`, VotingLimit.minProposalDurationHours, VotingLimit.maxProposalDurationHours),
    };
  }

  attrs(value: unknown, at: string): Record<string, string> {
    const attrs = this.object(value, at, Object.keys((value as object | null) ?? {}));
    for (const [k, v] of Object.entries(attrs)) {
      if (!ATTR_NAME.test(k)) this.problems.push(`${at}.${k}: not a valid attribute name`);
      if (typeof v !== 'string' || v.length === 0 || /[,=]/.test(v)) {
        this.problems.push(`${at}.${k}: must be a non-empty string without ',' or '='`);
      }
    }
    return attrs as Record<string, string>;
  }
}

// ---- Derived names and endpoints -------------------------------------------------------------

export const caId = (orgName: string): string => `ca.${orgName}`;
export const peerId = (org: PeerOrgConfig, peer: PeerConfig): string => `${peer.name}.${org.name}`;
export const chaincodeServerId = (org: PeerOrgConfig): string => `ccaas.${org.name}`;
export const benchServerId = (org: PeerOrgConfig): string => `ccaas-bench.${org.name}`;
/** host:port of a node's port: on the address of the site (org) that runs the node. */
export const endpoint = (t: Topology, port: number): string => `${hostOf(t, port)}:${port}`;

/** The address of the site that listens on `port` (every port of a topology has one owner). */
export function hostOf(t: Topology, port: number): string {
  const owner = allPorts(t).find((p) => p.port === port);
  if (!owner) throw new Error(`no node of the topology listens on port ${port}`);
  return owner.host;
}

/** Every site of the topology, each with its CA: the orderer-only org (if any) first, then the member orgs. */
export const sites = (t: Topology): SiteConfig[] => [...(t.ordererOrg ? [t.ordererOrg] : []), ...t.orgs];

/** The orgs that run ordering nodes, in the order their nodes are numbered (see ordererNodes). */
export const ordererSites = (t: Topology): SiteConfig[] => sites(t).filter((o) => o.orderers.length > 0);

export const ordererId = (org: SiteConfig, node: OrdererNodeConfig): string => `${node.name}.${org.name}`;

/**
 * Every ordering node of the channel with the org that runs it: the orderer-only org's first, then
 * the member orgs' in topology order. (BFT consenter IDs are given in this order at genesis.)
 */
export const ordererNodes = (t: Topology): OrdererNode[] =>
  ordererSites(t).flatMap((org) => org.orderers.map((n) => ({ ...n, id: ordererId(org, n), org })));

/**
 * The topology as one channel sees it: the subset channel `name` has only its members as orgs,
 * only their ordering nodes, and its own chaincode definition, so that founding, joining,
 * deploying and the gossip wait work on it as on the main channel. The main channel's name gives
 * the topology itself.
 */
export function channelView(t: Topology, name: string): Topology {
  if (name === t.channel) return t;
  const c = t.channels.find((x) => x.name === name);
  if (!c) throw new Error(`unknown channel "${name}"; the topology has: ${channelNames(t).join(', ')}`);
  // No orderer-only org: its nodes would see the channel's blocks.
  const view: Topology = {
    channel: c.name, host: t.host, ordering: t.ordering, governance: t.governance,
    // Members that do not order it appear without their ordering nodes.
    orgs: t.orgs.filter((o) => c.members.includes(o.name)).map((o) => (c.orderedBy.includes(o.name) ? o : { ...o, orderers: [] })),
    chaincode: { ...t.chaincode, endorsementPolicy: c.endorsementPolicy, collections: c.collections },
    channels: [],
  };
  return view;
}

/** Every channel of the topology as its own view: the main channel first. */
export const channelViews = (t: Topology): Topology[] => [t, ...t.channels.map((c) => channelView(t, c.name))];

export const channelNames = (t: Topology): string[] => [t.channel, ...t.channels.map((c) => c.name)];

/** How many ordering nodes may fail with the channel's ordering service still ordering. */
export const orderingFaultsTolerated = (t: Topology): number => faultsTolerated(t.ordering.consensus, ordererNodes(t).length);

export function findOrg(t: Topology, name: string): PeerOrgConfig {
  const org = t.orgs.find((o) => o.name === name || o.mspId === name);
  if (!org) {
    throw new Error(`unknown org "${name}"; the topology has: ${t.orgs.map((o) => o.name).join(', ')}`);
  }
  return org;
}

/** Every port the topology will listen on, with the node that owns it. */
export function allPorts(t: Topology): { port: number; owner: string; host: string }[] {
  const ports: { port: number; owner: string; host: string }[] = [];
  for (const org of sites(t)) {
    const { host } = org;
    ports.push({ port: org.ca.port, owner: caId(org.name), host }, { port: org.ca.operationsPort, owner: caId(org.name), host });
  }
  for (const n of ordererNodes(t)) {
    const { host } = n.org;
    ports.push({ port: n.port, owner: n.id, host }, { port: n.adminPort, owner: n.id, host }, { port: n.operationsPort, owner: n.id, host });
  }
  for (const org of t.orgs) {
    const { host } = org;
    ports.push({ port: org.chaincodeServer.port, owner: chaincodeServerId(org), host });
    if (org.chaincodeServer.benchPort !== undefined) ports.push({ port: org.chaincodeServer.benchPort, owner: benchServerId(org), host });
    for (const p of org.peers) {
      const id = peerId(org, p);
      ports.push({ port: p.port, owner: id, host }, { port: p.chaincodePort, owner: id, host }, { port: p.operationsPort, owner: id, host });
    }
  }
  return ports;
}
