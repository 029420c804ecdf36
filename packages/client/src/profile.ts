// A site's connection profile: everything an application of one member org needs to reach the
// network (gateway peers, its own first; the channel and chaincode; the genesis block's hash; its
// CA; the registrar and the identities it may act with), in one JSON file the site writes. Paths
// in the file are relative to the file, so a site folder can move. Applications read this file
// instead of knowing how the network was generated.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ConnectOptions } from './client';
import type { CertificateAuthorityOptions } from './ca';
import type { GatewayEndpoint } from './connection';
import { LedgerError } from './errors';
import type { IdentityFiles } from './identity';

export const PROFILE_FORMAT = 'donation-ledger/profile@1';

/** The run directory `npm start` uses in this repository (this file is packages/client/{src,dist}/profile.*). */
export const REPOSITORY_RUN_DIR = resolve(__dirname, '..', '..', '..', 'network', 'run');

/**
 * Where the network's `up` writes an org's connection profile in a run directory: profile.json
 * for the main channel, profile.<channel>.json for each other channel the org is a member of
 * (each channel has its own members' gateways and genesis block).
 */
export function profilePath(org: string, runDir: string = REPOSITORY_RUN_DIR, channel?: string): string {
  return join(runDir, 'orgs', org, channel === undefined ? 'profile.json' : `profile.${channel}.json`);
}

export interface SiteProfile {
  /** The file it was read from. */
  readonly file: string;
  /** The org's name in the topology, e.g. "ngo". */
  readonly org: string;
  readonly mspId: string;
  readonly channel: string;
  readonly chaincode: string;
  /** Hex header hash of the channel's genesis block: the root of trust when verifying the chain. */
  readonly genesisBlockHash?: string;
  /** Gateway peers, the org's own first, then other members' for failover and cross-checks. */
  readonly gateways: readonly GatewayEndpoint[];
  readonly ca: Omit<CertificateAuthorityOptions, 'mspId'>;
  /** The identity that may register client identities with the role/ngoId attributes (never an admin). */
  readonly registrar: { readonly enrollmentId: string; readonly secretPath: string };
  /** Identities applications of the site may act with, by name (e.g. "reader": no role, reads only). */
  readonly identities: Readonly<Record<string, IdentityFiles>>;
}

/** The JSON form: the same fields with paths relative to the file, and the format tag. */
export type SiteProfileFile = Omit<SiteProfile, 'file'> & { readonly format: typeof PROFILE_FORMAT };

export class ProfileError extends LedgerError {
  constructor(file: string, problem: string) {
    super('INVALID_ARGUMENT', `connection profile ${file}: ${problem}`);
  }
}

/** Reads and checks a profile: every field, and that every file it names exists. */
export function loadProfile(file: string): SiteProfile {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ProfileError(path, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not readable JSON (${(err as Error).message})`);
  }
  return checkProfile(path, raw);
}

/** Checks a parsed profile file and resolves its paths against the file's folder. */
export function checkProfile(file: string, raw: unknown): SiteProfile {
  const fail = (problem: string): never => {
    throw new ProfileError(file, problem);
  };
  const base = dirname(file);
  const object = (value: unknown, where: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(`${where} must be an object`);
  const text = (o: Record<string, unknown>, key: string, where: string, pattern?: RegExp): string => {
    const value = o[key];
    if (typeof value !== 'string' || value === '') return fail(`${where}.${key} must be a non-empty string`);
    if (pattern && !pattern.test(value)) return fail(`${where}.${key} ${JSON.stringify(value)} does not match ${String(pattern)}`);
    return value;
  };
  const existing = (o: Record<string, unknown>, key: string, where: string): string => {
    const p = resolve(base, text(o, key, where));
    return existsSync(p) ? p : fail(`${where}.${key} names ${p}, which does not exist`);
  };
  const gateway = (value: unknown, where: string): GatewayEndpoint => {
    const g = object(value, where);
    return {
      endpoint: text(g, 'endpoint', where, /^[^\s:]+:\d{1,5}$/),
      tlsRootCertPath: existing(g, 'tlsRootCertPath', where),
      ...(g.hostnameOverride === undefined ? {} : { hostnameOverride: text(g, 'hostnameOverride', where) }),
      mspId: text(g, 'mspId', where, MSP_ID),
    };
  };

  const p = object(raw, 'the profile');
  if (p.format !== PROFILE_FORMAT) fail(`format must be "${PROFILE_FORMAT}" (got ${JSON.stringify(p.format)})`);
  const mspId = text(p, 'mspId', 'profile', MSP_ID);
  if (!Array.isArray(p.gateways) || p.gateways.length === 0) fail('gateways must be a non-empty list');
  const gateways = (p.gateways as unknown[]).map((g, i) => gateway(g, `gateways[${i}]`));
  if (gateways[0]?.mspId !== mspId) fail(`gateways[0] must be a peer of ${mspId} itself (private data goes to the org's own peers first)`);
  const ca = object(p.ca, 'ca');
  const registrar = object(p.registrar, 'registrar');
  const identities = object(p.identities, 'identities');
  const genesis = p.genesisBlockHash === undefined ? undefined : text(p, 'genesisBlockHash', 'profile', /^[0-9a-f]{64}$/);
  return {
    file,
    org: text(p, 'org', 'profile', /^[a-z][a-z0-9-]{0,30}$/),
    mspId,
    channel: text(p, 'channel', 'profile', /^[a-z][a-z0-9.-]{0,248}$/),
    chaincode: text(p, 'chaincode', 'profile', /^[A-Za-z0-9_.+-]{1,128}$/),
    ...(genesis ? { genesisBlockHash: genesis } : {}),
    gateways,
    ca: { url: text(ca, 'url', 'ca', /^https:\/\//), caName: text(ca, 'caName', 'ca'), tlsRootCertPath: existing(ca, 'tlsRootCertPath', 'ca') },
    registrar: { enrollmentId: text(registrar, 'enrollmentId', 'registrar'), secretPath: existing(registrar, 'secretPath', 'registrar') },
    identities: Object.fromEntries(
      Object.entries(identities).map(([name, value]) => {
        const where = `identities.${name}`;
        const files = object(value, where);
        return [name, { certificatePath: existing(files, 'certificatePath', where), privateKeyPath: existing(files, 'privateKeyPath', where) }];
      }),
    ),
  };
}

const MSP_ID = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;

/** How to connect as one of the profile's identities (ConnectOptions without deadlines or retry). */
export function profileConnection(profile: SiteProfile, identityName: string): ConnectOptions {
  const identity = profile.identities[identityName];
  if (!identity) {
    throw new ProfileError(profile.file, `has no identity "${identityName}"; it has: ${Object.keys(profile.identities).join(', ') || 'none'}`);
  }
  return {
    mspId: profile.mspId, gateways: profile.gateways, identity, channel: profile.channel, chaincode: profile.chaincode,
    ...(profile.genesisBlockHash ? { genesisBlockHash: profile.genesisBlockHash } : {}),
  };
}

/** The CA's connection options. */
export function profileCa(profile: SiteProfile): CertificateAuthorityOptions {
  return { ...profile.ca, mspId: profile.mspId };
}

/** The registrar's enrollment secret, read from its 0600 file. */
export function registrarSecret(profile: SiteProfile): string {
  const secret = readFileSync(profile.registrar.secretPath, 'utf8').trim();
  if (!secret) throw new ProfileError(profile.file, `the registrar's secret file ${profile.registrar.secretPath} is empty`);
  return secret;
}

/** A gateway peer of another member org, to cross-check what the org's own peers say; undefined when there is none. */
export function otherOrgGateway(profile: SiteProfile): GatewayEndpoint | undefined {
  return profile.gateways.find((g) => g.mspId !== profile.mspId);
}
