#!/usr/bin/env node
// Writes the Hyperledger Caliper network configuration (and one connection profile per org) for
// the running network into bench/caliper/generated/, with absolute paths to the generated
// identities. See bench/caliper/README.md.
import { clientProfile, DEFAULT_RUN_DIR, DEFAULT_TOPOLOGY, endpoint, loadTopology, REPO_ROOT, RunPaths } from '@donation-ledger/network';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = join(REPO_ROOT, 'bench', 'caliper', 'generated');
const t = loadTopology(DEFAULT_TOPOLOGY);
const paths = new RunPaths(process.argv[2] ?? DEFAULT_RUN_DIR);
mkdirSync(out, { recursive: true });

const organizations = t.orgs.map((org) => {
  const peers = Object.fromEntries(
    org.peers.map((p) => [`${p.name}.${org.name}`, {
      url: `grpcs://${endpoint(t, p.port)}`,
      tlsCACerts: { path: paths.caCert(org.name) },
      grpcOptions: { 'ssl-target-name-override': 'localhost', hostnameOverride: 'localhost' },
    }]),
  );
  const profileFile = join(out, `connection-${org.name}.json`);
  writeFileSync(profileFile, JSON.stringify({
    name: `${org.name}-profile`, version: '1.0.0', client: { organization: org.name },
    organizations: { [org.name]: { mspid: org.mspId, peers: Object.keys(peers) } }, peers,
  }, null, 2));
  return {
    mspid: org.mspId,
    identities: {
      certificates: org.users.map((u) => {
        const p = clientProfile(t, paths, org.name, u.name);
        return { name: u.name, clientPrivateKey: { path: p.identity.privateKeyPath }, clientSignedCert: { path: p.identity.certificatePath } };
      }),
    },
    connectionProfile: { path: profileFile, discover: true },
  };
});

writeFileSync(join(out, 'network.json'), JSON.stringify({
  name: 'donation-ledger', version: '2.0.0',
  caliper: { blockchain: 'fabric' },
  channels: [{ channelName: t.channel, contracts: [{ id: t.chaincode.name }] }],
  organizations,
}, null, 2));
process.stderr.write(`[caliper] wrote ${join(out, 'network.json')} and one connection profile per org\n`);
