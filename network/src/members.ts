// Who is a member of the channel now. The topology file names the founding orgs; governance
// adds and removes orgs on the running network, and those changes are kept beside the network's
// state (<run dir>/membership.json) so that every command (up, down, status, deploy, env) works
// on the effective membership: an added org comes back with `up`, a removed one stays stopped.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { RunPaths } from './paths';
import { PeerOrgConfig, Topology, TopologyError, validateTopology } from './topology';

/**
 * What governance changed: org specs as written (ports before any offset) and removed org names
 * of the main channel; and, per subset channel, the names of the consortium's orgs that joined or
 * left it since the topology file's `channels`.
 */
export interface MembershipRecord {
  readonly added: readonly Record<string, unknown>[];
  readonly removed: readonly string[];
  readonly channels: Readonly<Record<string, SubsetChannelChanges>>;
}

export interface SubsetChannelChanges {
  readonly joined: readonly string[];
  readonly left: readonly string[];
}

const EMPTY: MembershipRecord = { added: [], removed: [], channels: {} };

export function readMembership(paths: RunPaths): MembershipRecord {
  if (!existsSync(paths.membership)) return EMPTY;
  const parsed = JSON.parse(readFileSync(paths.membership, 'utf8')) as Partial<MembershipRecord>;
  return { added: parsed.added ?? [], removed: parsed.removed ?? [], channels: parsed.channels ?? {} };
}

/** Records that a member org joined (or left) a subset channel. */
export function recordSubsetChannelMember(paths: RunPaths, channel: string, orgName: string, change: 'joined' | 'left'): void {
  const record = readMembership(paths);
  const before = record.channels[channel] ?? { joined: [], left: [] };
  const other = change === 'joined' ? 'left' : 'joined';
  const after = { ...before, [change]: [...before[change].filter((n) => n !== orgName), orgName], [other]: before[other].filter((n) => n !== orgName) };
  writeMembership(paths, { ...record, channels: { ...record.channels, [channel]: after } });
}

function writeMembership(paths: RunPaths, record: MembershipRecord): void {
  mkdirSync(dirname(paths.membership), { recursive: true });
  const scratch = `${paths.membership}.writing`;
  writeFileSync(scratch, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(scratch, paths.membership); // never a half-written file
}

/** Records an org as a member (its spec as written in its file). */
export function recordAdded(paths: RunPaths, spec: Record<string, unknown>): void {
  const record = readMembership(paths);
  writeMembership(paths, {
    ...record,
    added: [...record.added.filter((o) => o.name !== spec.name), spec],
    removed: record.removed.filter((name) => name !== spec.name),
  });
}

/** Whether `spec` is, field for field, the spec of an org added by governance and still a member. */
function isRecordedSpec(paths: RunPaths, spec: Record<string, unknown>): boolean {
  const recorded = readMembership(paths).added.find((o) => o.name === spec.name);
  return recorded !== undefined && isDeepStrictEqual(recorded, spec);
}

/** Records that an org left the channel. */
export function recordRemoved(paths: RunPaths, orgName: string, founding: boolean): void {
  const record = readMembership(paths);
  writeMembership(paths, {
    ...record,
    added: record.added.filter((o) => o.name !== orgName),
    removed: founding && !record.removed.includes(orgName) ? [...record.removed, orgName] : record.removed,
  });
}

function readJson(file: string, what: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TopologyError(file, [`cannot be read as JSON (${what}): ${(err as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TopologyError(file, [`must be a JSON object (${what})`]);
  return raw as Record<string, unknown>;
}

/** The org list of the topology file, changed by what governance recorded in the run directory. */
function effectiveRaw(topologyFile: string, paths: RunPaths, extra: Record<string, unknown>[] = []): Record<string, unknown> {
  const base = readJson(topologyFile, 'the topology');
  const record = readMembership(paths);
  const founders = Array.isArray(base.orgs) ? (base.orgs as Record<string, unknown>[]) : [];
  const channels = Array.isArray(base.channels) ? (base.channels as Record<string, unknown>[]) : undefined;
  return {
    ...base,
    orgs: [...founders.filter((o) => !record.removed.includes(o.name as string)), ...record.added, ...extra],
    ...(channels ? { channels: channels.map((c) => withSubsetChanges(c, record.channels[c.name as string], record.removed)) } : {}),
  };
}

/**
 * A subset channel of the topology file with the orgs that joined or left it since; an org
 * removed from the consortium (the main channel) is no member of any channel.
 */
function withSubsetChanges(channel: Record<string, unknown>, changes: SubsetChannelChanges | undefined, removed: readonly string[]): Record<string, unknown> {
  if (!Array.isArray(channel.members)) return channel;
  const { joined = [], left = [] } = changes ?? {};
  const gone = (m: unknown): boolean => left.includes(m as string) || removed.includes(m as string);
  const founders = channel.members as unknown[];
  // Orgs that joined later do not order it; the file's ordering members stay so until they leave.
  const orderedBy = Array.isArray(channel.orderedBy) ? (channel.orderedBy as unknown[]) : founders;
  const members = [...founders, ...joined.filter((n) => !founders.includes(n))];
  return { ...channel, members: members.filter((m) => !gone(m)), orderedBy: orderedBy.filter((m) => !gone(m)) };
}

/** The topology with the orgs that are members of the channel now. */
export function loadEffectiveTopology(topologyFile: string, paths: RunPaths, portOffset = 0): Topology {
  const raw = effectiveRaw(topologyFile, paths);
  const added = readMembership(paths).added.length;
  try {
    return validateTopology(raw, topologyFile, portOffset);
  } catch (err) {
    if (err instanceof TopologyError && added > 0) {
      throw new TopologyError(`${topologyFile} with the orgs added by governance (${paths.membership})`, err.problems);
    }
    throw err;
  }
}

/** Whether an org is one of the topology file's founders (as opposed to added by governance). */
export function isFounder(topologyFile: string, orgName: string): boolean {
  const base = readJson(topologyFile, 'the topology');
  return Array.isArray(base.orgs) && (base.orgs as Record<string, unknown>[]).some((o) => o.name === orgName);
}

export interface NewOrg {
  /** The org's spec as written in its file (kept in membership.json once it is a member). */
  readonly spec: Record<string, unknown>;
  readonly org: PeerOrgConfig;
  /** The effective topology with the new org as its last member. */
  readonly topology: Topology;
}

/**
 * Reads a new org's spec file and checks it against the current members: the same rules as a
 * topology file's orgs (names, MSP ID, attributes, every port unique across the whole network).
 */
export function loadNewOrg(specFile: string, topologyFile: string, paths: RunPaths, portOffset = 0, options: { resume?: boolean } = {}): NewOrg {
  const spec = readJson(specFile, 'an org spec');
  const current = loadEffectiveTopology(topologyFile, paths, portOffset);
  const already = current.orgs.find((o) => o.name === spec.name || o.mspId === spec.mspId);
  // An `org add` that stopped after the org became a member (its ordering nodes' or peers' steps
  // unfinished) goes on when run again with the very same spec.
  if (already && options.resume && isRecordedSpec(paths, spec)) return { spec, org: already, topology: current };
  if (already) {
    throw new TopologyError(specFile, [
      `${already.mspId === spec.mspId ? `MSP ID "${String(spec.mspId)}"` : `org name "${String(spec.name)}"`} is already used by ${already.name} (${already.mspId}), a member of the channel` +
        (options.resume && readMembership(paths).added.some((o) => o.name === already.name) ? ` (an "org add" of it that stopped half-way goes on when run again with the spec it was added with)` : ''),
    ]);
  }
  let topology: Topology;
  try {
    topology = validateTopology(effectiveRaw(topologyFile, paths, [spec]), specFile, portOffset);
  } catch (err) {
    if (!(err instanceof TopologyError)) throw err;
    const index = current.orgs.length;
    // Say "the org" for the spec's own fields rather than its index in the combined list.
    throw new TopologyError(specFile, err.problems.map((p) => p.replaceAll(`orgs[${index}].`, '').replaceAll(`orgs[${index}]`, 'the org')));
  }
  const org = topology.orgs[topology.orgs.length - 1];
  if (!org) throw new Error('unreachable: the new org is missing');
  return { spec, org, topology };
}
