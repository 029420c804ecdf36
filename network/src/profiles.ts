// Connection profiles for the SDK: where a user's certificate and key live in a generated network,
// which gateway peers to use (the user's own org first, then the others, for failover), and how
// to reach the org's CA.
import { existsSync, readFileSync } from 'node:fs';
import { parseBlock } from '@donation-ledger/client';
import { join } from 'node:path';
import { API_REGISTRAR, ORG_ADMIN } from './ca';
import { RunPaths } from './paths';
import { endpoint, findOrg, Topology } from './topology';

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

export interface CaProfile {
  readonly url: string;
  readonly caName: string;
  readonly tlsRootCertPath: string;
  readonly mspId: string;
  /**
   * The org's registrar (kept 0600 in the run directory): it may register client identities with
   * the attributes `role` and `ngoId` only. Not the CA's bootstrap admin, which could mint admins.
   */
  readonly registrarId: string;
  readonly registrarSecret: string;
}

/** The profile of `user` (a topology user, or "orgadmin") of `orgName`. */
export function clientProfile(t: Topology, paths: RunPaths, orgName: string, user: string): ClientProfile {
  const org = findOrg(t, orgName);
  if (user !== ORG_ADMIN && !org.users.some((u) => u.name === user)) {
    throw new Error(`org ${org.name} has no user "${user}"; it has: ${[ORG_ADMIN, ...org.users.map((u) => u.name)].join(', ')}`);
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

/** A gateway peer of another org than `orgName`, to cross-check what the org's own peers say; undefined when there is none. */
export function otherOrgGateway(t: Topology, paths: RunPaths, orgName: string): GatewayEndpointProfile | undefined {
  const org = findOrg(t, orgName);
  const other = t.orgs.find((o) => o !== org);
  const peer = other?.peers[0];
  return other && peer ? { endpoint: endpoint(t, peer.port), tlsRootCertPath: paths.caCert(other.name), hostnameOverride: 'localhost', mspId: other.mspId } : undefined;
}

function genesisBlockHashOf(file: string): { genesisBlockHash?: string } {
  if (!existsSync(file)) return {};
  const { headerHash } = parseBlock(readFileSync(file));
  return { genesisBlockHash: headerHash.toString('hex') };
}

export function caProfile(t: Topology, paths: RunPaths, orgName: string): CaProfile {
  const org = findOrg(t, orgName);
  const secrets = JSON.parse(readFileSync(paths.secrets(org.name), 'utf8')) as { identities: Record<string, string | undefined> };
  const registrarSecret = secrets.identities[API_REGISTRAR];
  if (!registrarSecret) throw new Error(`org ${org.name} has no registrar yet: run "npm run network -- up" to create it`);
  return {
    url: `https://${t.host}:${org.ca.port}`,
    caName: `ca-${org.name}`,
    tlsRootCertPath: paths.caCert(org.name),
    mspId: org.mspId,
    registrarId: API_REGISTRAR,
    registrarSecret: registrarSecret,
  };
}
