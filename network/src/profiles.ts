// Connection profiles: what `up` writes for each org's applications (profile.json, read by the
// SDK's loadProfile), and, for the operator's own tools and tests, the connection options of any
// identity of this run directory (the org's own gateway peers first, then the others).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseBlock, PROFILE_FORMAT, SiteProfileFile } from '@donation-ledger/client';
import { dirname, join, relative } from 'node:path';
import { API_REGISTRAR, ORG_ADMIN, READER } from './ca';
import { log } from './exec';
import { RunPaths, tlsRootFor } from './paths';
import { handOverSite } from './site-users';
import { channelViews, endpoint, findOrg, PeerOrgConfig, Topology } from './topology';

export interface GatewayEndpointProfile {
  readonly endpoint: string;
  readonly tlsRootCertPath: string;
  /** Every TLS certificate the CAs issue here names "localhost" as well as the IP address. */
  readonly hostnameOverride: string;
  /** The org that runs the peer: private data goes only to the caller's own org's peers. */
  readonly mspId: string;
}

export interface ClientProfile {
  readonly mspId: string;
  readonly gateways: readonly GatewayEndpointProfile[];
  readonly identity: { readonly certificatePath: string; readonly privateKeyPath: string };
  readonly channel: string;
  readonly chaincode: string;
  /**
   * Hex header hash of the channel's genesis block, the root of trust for verifying the chain
   * (its configuration names the orderers whose signatures count); absent before the channel exists.
   */
  readonly genesisBlockHash?: string;
}

/** The profile of `user` (a topology user, or "orgadmin") of `orgName`. */
export function clientProfile(t: Topology, paths: RunPaths, orgName: string, user: string): ClientProfile {
  const org = findOrg(t, orgName);
  if (user !== ORG_ADMIN && user !== READER && !org.users.some((u) => u.name === user)) {
    throw new Error(`org ${org.name} has no user "${user}"; it has: ${[ORG_ADMIN, READER, ...org.users.map((u) => u.name)].join(', ')}`);
  }
  const msp = paths.msp(org.name, user);
  const ordered = [org, ...t.orgs.filter((o) => o !== org)];
  return {
    mspId: org.mspId,
    gateways: ordered.flatMap((o) =>
      o.peers.map((p) => ({ endpoint: endpoint(t, p.port), tlsRootCertPath: paths.caCert(o.name), hostnameOverride: 'localhost', mspId: o.mspId })),
    ),
    identity: { certificatePath: join(msp, 'signcerts', 'cert.pem'), privateKeyPath: join(msp, 'keystore', 'key.pem') },
    channel: t.channel,
    chaincode: t.chaincode.name,
    ...genesisBlockHashOf(paths.channelBlock(t.channel)),
  };
}

function genesisBlockHashOf(file: string): { genesisBlockHash?: string } {
  if (!existsSync(file)) return {};
  const { headerHash } = parseBlock(readFileSync(file));
  return { genesisBlockHash: headerHash.toString('hex') };
}

/**
 * Writes each org's connection profiles (<org>/profile.json for the main channel,
 * profile.<channel>.json for each subset channel it is in) and its registrar's secret (0600)
 * into the org's folder: what the org's applications (API, indexer, bench) read instead of the
 * topology and run directory. Written by `up` and after every membership change.
 */
export function writeSiteProfiles(t: Topology, paths: RunPaths): void {
  const written: string[] = [];
  for (const channel of channelViews(t)) {
    for (const org of channel.orgs) {
      const file = paths.profile(org.name, channel.channel === t.channel ? undefined : channel.channel);
      writeSiteProfile(channel, paths, org, file);
      written.push(file);
    }
  }
  log(`wrote the connection profiles: ${written.join(', ')}`);
}

/** One org's profile of one channel (`t`: the channel's view of the topology). */
function writeSiteProfile(t: Topology, paths: RunPaths, org: PeerOrgConfig, file: string): void {
  const rel = (p: string): string => relative(dirname(file), p);
  const secrets = JSON.parse(readFileSync(paths.secrets(org.name), 'utf8')) as { identities: Record<string, string | undefined> };
  const secret = secrets.identities[API_REGISTRAR];
  if (!secret) throw new Error(`org ${org.name} has no registrar yet: run "npm run network -- up" to create it`);
  writeFileSync(paths.registrarSecret(org.name), `${secret}\n`, { mode: 0o600 });
  const connection = clientProfile(t, paths, org.name, READER);
  const identity = (name: string): { certificatePath: string; privateKeyPath: string } => {
    const { identity: files } = clientProfile(t, paths, org.name, name);
    return { certificatePath: rel(files.certificatePath), privateKeyPath: rel(files.privateKeyPath) };
  };
  const tlsRootOf = (mspId: string): string => tlsRootFor(paths, org.name, findOrg(t, mspId).name);
  const profile: SiteProfileFile = {
    format: PROFILE_FORMAT,
    org: org.name,
    mspId: org.mspId,
    channel: connection.channel,
    chaincode: connection.chaincode,
    ...(connection.genesisBlockHash ? { genesisBlockHash: connection.genesisBlockHash } : {}),
    gateways: connection.gateways.map((g) => ({ ...g, tlsRootCertPath: rel(tlsRootOf(g.mspId)) })),
    ca: { url: `https://${org.host}:${org.ca.port}`, caName: `ca-${org.name}`, tlsRootCertPath: rel(paths.caCert(org.name)) },
    registrar: { enrollmentId: API_REGISTRAR, secretPath: rel(paths.registrarSecret(org.name)) },
    identities: Object.fromEntries([READER, ...org.users.map((u) => u.name)].map((name) => [name, identity(name)])),
  };
  writeFileSync(`${file}.writing`, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.writing`, file); // never a half-written profile
  handOverSite(paths, org.name); // the site's API runs as its user (see scripts/start.sh)
}
