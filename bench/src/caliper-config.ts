#!/usr/bin/env node
// Writes the Hyperledger Caliper network configuration (and one Caliper connection profile per
// org) for the running network into bench/caliper/generated/, from the orgs' own connection
// profiles (<run dir>/orgs/<org>/profile.json), with absolute paths to their identities.
// See bench/caliper/README.md.
import { loadProfile, profilePath, REPOSITORY_RUN_DIR, SiteProfile } from '@donation-ledger/client';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');
const out = join(repoRoot, 'bench', 'caliper', 'generated');
const runDir = resolve(process.argv[2] ?? REPOSITORY_RUN_DIR);
const orgsDir = dirname(dirname(profilePath('any', runDir)));
const profiles: SiteProfile[] = (existsSync(orgsDir) ? readdirSync(orgsDir) : [])
  .map((org) => profilePath(org, runDir))
  .filter((file) => existsSync(file))
  .map((file) => loadProfile(file));
const first = profiles[0];
if (!first) throw new Error(`no connection profiles in ${orgsDir}: start the network with "npm start" first`);
mkdirSync(out, { recursive: true });

const organizations = profiles.map((site) => {
  // The org's own gateway peers, named by endpoint; its users (the role-less reader has no use here).
  const peers = Object.fromEntries(
    site.gateways.filter((g) => g.mspId === site.mspId).map((g) => [g.endpoint, {
      url: `grpcs://${g.endpoint}`,
      tlsCACerts: { path: g.tlsRootCertPath },
      grpcOptions: { 'ssl-target-name-override': g.hostnameOverride ?? 'localhost', hostnameOverride: g.hostnameOverride ?? 'localhost' },
    }]),
  );
  const profileFile = join(out, `connection-${site.org}.json`);
  writeFileSync(profileFile, JSON.stringify({
    name: `${site.org}-profile`, version: '1.0.0', client: { organization: site.org },
    organizations: { [site.org]: { mspid: site.mspId, peers: Object.keys(peers) } }, peers,
  }, null, 2));
  return {
    mspid: site.mspId,
    identities: {
      certificates: Object.entries(site.identities).filter(([name]) => name !== 'reader').map(([name, files]) => ({
        name, clientPrivateKey: { path: files.privateKeyPath }, clientSignedCert: { path: files.certificatePath },
      })),
    },
    connectionProfile: { path: profileFile, discover: true },
  };
});

writeFileSync(join(out, 'network.json'), JSON.stringify({
  name: 'donation-ledger', version: '2.0.0',
  caliper: { blockchain: 'fabric' },
  channels: [{ channelName: first.channel, contracts: [{ id: first.chaincode }] }],
  organizations,
}, null, 2));
process.stderr.write(`[caliper] wrote ${join(out, 'network.json')} and one connection profile per org\n`);
