// Connection profiles for the SDK: where a user's certificate and key live in a generated network,
// and which peer and TLS root their org's gateway uses.
import { join } from 'node:path';
import { ORG_ADMIN } from './ca';
import { RunPaths } from './paths';
import { endpoint, findOrg, Topology } from './topology';

export interface ClientProfile {
  readonly mspId: string;
  readonly peerEndpoint: string;
  readonly tlsRootCertPath: string;
  readonly certificatePath: string;
  readonly privateKeyPath: string;
  readonly channel: string;
  readonly chaincode: string;
}

/** The profile of `user` (a topology user, or "orgadmin") of `orgName`, through the org's peer number `peerIndex`. */
export function clientProfile(t: Topology, paths: RunPaths, orgName: string, user: string, peerIndex = 0): ClientProfile {
  const org = findOrg(t, orgName);
  if (user !== ORG_ADMIN && !org.users.some((u) => u.name === user)) {
    throw new Error(`org ${org.name} has no user "${user}"; it has: ${[ORG_ADMIN, ...org.users.map((u) => u.name)].join(', ')}`);
  }
  const peer = org.peers[peerIndex];
  if (!peer) throw new Error(`org ${org.name} has no peer number ${peerIndex}`);
  const msp = paths.msp(org.name, user);
  return {
    mspId: org.mspId,
    peerEndpoint: endpoint(t, peer.port),
    tlsRootCertPath: paths.caCert(org.name),
    certificatePath: join(msp, 'signcerts', 'cert.pem'),
    privateKeyPath: join(msp, 'keystore', 'key.pem'),
    channel: t.channel,
    chaincode: t.chaincode.name,
  };
}
