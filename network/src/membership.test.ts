import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { majorityOf } from './channel-config';
import { checkCaCertificate, GovernanceRefusal } from './governance';
import { loadEffectiveTopology, loadNewOrg, readMembership, recordAdded, recordRemoved, recordSubsetChannelMember } from './members';
import { checkRemovable, chooseSigners, MembershipError } from './membership';
import { DEFAULT_TOPOLOGY, REPO_ROOT, RunPaths } from './paths';
import { channelView, loadTopology, ordererNodes, TopologyError, validateTopology } from './topology';

const AUDITOR_SPEC = join(REPO_ROOT, 'network', 'orgs', 'auditor.json');
const ORDERER_ORG_TOPOLOGY = join(REPO_ROOT, 'test', 'integration', 'fixtures', 'topology-orderer-org.json');
const auditorSpec = (): Record<string, any> => JSON.parse(readFileSync(AUDITOR_SPEC, 'utf8'));

let dir: string;
let paths: RunPaths;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'membership-'));
  paths = new RunPaths(join(dir, 'run'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function specFile(spec: unknown): string {
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (err) {
    if (err instanceof TopologyError) return [...err.problems];
    throw err;
  }
}

describe('a new org spec', () => {
  test('the shipped auditor spec fits the shipped topology, also with the test suites\' port offsets', () => {
    for (const offset of [0, 1000, 4000]) {
      const { org, topology } = loadNewOrg(AUDITOR_SPEC, DEFAULT_TOPOLOGY, paths, offset);
      expect(org.mspId).toBe('AuditorMSP');
      expect(org.peers[0]?.port).toBe(7451 + offset);
      expect(org.orderers.map((n) => n.port)).toEqual([7455 + offset]);
      expect(topology.orgs.map((o) => o.name)).toEqual(['donorplatform', 'ngo', 'auditor']);
    }
  });

  test('an org already in the channel, by MSP ID or by name, is refused', () => {
    expect(problemsOf(() => loadNewOrg(specFile({ ...auditorSpec(), mspId: 'NgoMSP' }), DEFAULT_TOPOLOGY, paths))).toEqual([
      'MSP ID "NgoMSP" is already used by ngo (NgoMSP), a member of the channel',
    ]);
    expect(problemsOf(() => loadNewOrg(specFile({ ...auditorSpec(), name: 'ngo' }), DEFAULT_TOPOLOGY, paths))).toEqual([
      'org name "ngo" is already used by ngo (NgoMSP), a member of the channel',
    ]);
  });

  test('an org added by an "org add" that stopped half-way is taken up again with the same spec only; a founder, another spec or a new proposal is refused', () => {
    recordAdded(paths, auditorSpec());
    const resumed = loadNewOrg(specFile(auditorSpec()), DEFAULT_TOPOLOGY, paths, 0, { resume: true });
    expect(resumed.org.mspId).toBe('AuditorMSP');
    expect(resumed.topology.orgs.map((o) => o.name)).toEqual(['donorplatform', 'ngo', 'auditor']);
    const already = 'MSP ID "AuditorMSP" is already used by auditor (AuditorMSP), a member of the channel';
    expect(problemsOf(() => loadNewOrg(specFile(auditorSpec()), DEFAULT_TOPOLOGY, paths))).toEqual([already]);
    const moved = auditorSpec();
    moved.peers[0].port = 7459;
    expect(problemsOf(() => loadNewOrg(specFile(moved), DEFAULT_TOPOLOGY, paths, 0, { resume: true }))).toEqual([
      `${already} (an "org add" of it that stopped half-way goes on when run again with the spec it was added with)`,
    ]);
    expect(problemsOf(() => loadNewOrg(specFile({ ...auditorSpec(), name: 'ngo', mspId: 'NgoMSP' }), DEFAULT_TOPOLOGY, paths, 0, { resume: true }))).toEqual([
      'MSP ID "NgoMSP" is already used by ngo (NgoMSP), a member of the channel',
    ]);
  });

  test('a malformed MSP ID and a port another node uses (a peer\'s or an ordering node\'s) are refused, each named', () => {
    expect(problemsOf(() => loadNewOrg(specFile({ ...auditorSpec(), mspId: '9 bad msp' }), DEFAULT_TOPOLOGY, paths))).toEqual([
      'mspId: must be an MSP ID, got "9 bad msp"',
    ]);
    const spec = auditorSpec();
    spec.peers[0].port = 7351;
    spec.orderers[0].adminPort = 7257;
    expect(problemsOf(() => loadNewOrg(specFile(spec), DEFAULT_TOPOLOGY, paths))).toEqual([
      'orderers[0].adminPort: port 7257 is already used by orgs[0].orderers[1].port',
      'peers[0].port: port 7351 is already used by orgs[1].peers[0].port',
    ]);
  });

  test('a file that is not JSON is refused', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "name": ');
    expect(problemsOf(() => loadNewOrg(file, DEFAULT_TOPOLOGY, paths))[0]).toMatch(/cannot be read as JSON/);
  });
});

describe('the effective membership', () => {
  test('added orgs join the topology\'s founders, removed founders leave it, and the record survives a reload', () => {
    recordAdded(paths, auditorSpec());
    recordRemoved(paths, 'donorplatform', true);
    expect(readMembership(paths).removed).toEqual(['donorplatform']);
    expect(loadEffectiveTopology(DEFAULT_TOPOLOGY, paths, 4000).orgs.map((o) => o.mspId)).toEqual(['NgoMSP', 'AuditorMSP']);
    recordRemoved(paths, 'auditor', false);
    expect(readMembership(paths)).toEqual({ added: [], removed: ['donorplatform'], channels: {} });
    recordAdded(paths, { ...auditorSpec(), name: 'donorplatform', mspId: 'DonorPlatformMSP' });
    expect(readMembership(paths).removed).toEqual([]);
  });

  test('an org that joins a subset channel is a member of it without ordering it; one that leaves, or leaves the consortium, is in it no more', () => {
    const channelsTopology = join(REPO_ROOT, 'network', 'topology-channels.json');
    const evidence = (): ReturnType<typeof channelView> => channelView(loadEffectiveTopology(channelsTopology, paths), 'evidence');
    recordSubsetChannelMember(paths, 'evidence', 'donorplatform', 'joined');
    expect(evidence().orgs.map((o) => `${o.name}: ${o.orderers.length} orderer(s)`)).toEqual(['donorplatform: 0 orderer(s)', 'ngo: 1 orderer(s)', 'auditor: 1 orderer(s)']);
    expect(ordererNodes(evidence()).map((n) => n.id)).toEqual(['orderer0.ngo', 'orderer0.auditor']);
    recordSubsetChannelMember(paths, 'evidence', 'auditor', 'left');
    expect(evidence().orgs.map((o) => o.name)).toEqual(['donorplatform', 'ngo']);
    expect(ordererNodes(evidence()).map((n) => n.id)).toEqual(['orderer0.ngo']);
    recordSubsetChannelMember(paths, 'evidence', 'auditor', 'joined');
    recordRemoved(paths, 'donorplatform', true);
    expect(evidence().orgs.map((o) => o.name)).toEqual(['ngo', 'auditor']);
    expect(readMembership(paths).channels).toEqual({ evidence: { joined: ['donorplatform', 'auditor'], left: [] } });
  });
});

describe('taking an org out', () => {
  const topology = (): ReturnType<typeof validateTopology> => loadEffectiveTopology(DEFAULT_TOPOLOGY, paths);

  test('an unknown MSP ID and the last member are refused', () => {
    expect(() => checkRemovable(topology(), 'NoSuchMSP')).toThrow(/"NoSuchMSP" is not a member of channel donations; the members are: DonorPlatformMSP, NgoMSP/);
    recordRemoved(paths, 'donorplatform', true);
    expect(() => checkRemovable(topology(), 'NgoMSP')).toThrow(MembershipError);
    expect(() => checkRemovable(topology(), 'NgoMSP')).toThrow(/NgoMSP is the last member of channel donations/);
  });

  test('an org in a subset channel leaves that channel before the consortium', () => {
    const channels = loadEffectiveTopology(join(REPO_ROOT, 'network', 'topology-channels.json'), paths);
    expect(() => checkRemovable(channels, 'AuditorMSP')).toThrow(new MembershipError(
      'AuditorMSP is a member of channel evidence too; it leaves that channel first ("governance propose-remove ... --channel NAME", or "org leave <org> --channel NAME")'));
    expect(checkRemovable(channels, 'DonorPlatformMSP').name).toBe('donorplatform');
  });

  test('an org named by an explicit signature policy cannot leave until the policy changes', () => {
    const t = topology();
    const named = { ...t, chaincode: { ...t.chaincode, endorsementPolicy: "AND('DonorPlatformMSP.peer','NgoMSP.peer')" } };
    expect(() => checkRemovable(named, 'NgoMSP')).toThrow(/names NgoMSP; change chaincode.endorsementPolicy/);
    expect(checkRemovable(t, 'NgoMSP').name).toBe('ngo');
  });

  test('signers: a majority of the orgs in the config, the org leaving last', () => {
    expect([1, 2, 3, 4, 5].map(majorityOf)).toEqual([1, 2, 2, 3, 3]);
    recordAdded(paths, auditorSpec());
    const t = topology();
    const [donor] = t.orgs;
    const inConfig = t.orgs.map((o) => o.mspId);
    expect(chooseSigners(t, [inConfig], [donor!]).map((o) => o.mspId)).toEqual(['NgoMSP', 'AuditorMSP']);
    expect(chooseSigners(t, [inConfig], []).map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP']);
    const two = { ...t, orgs: t.orgs.slice(0, 2) };
    expect(chooseSigners(two, [['DonorPlatformMSP', 'NgoMSP']], [donor!]).map((o) => o.mspId)).toEqual(['NgoMSP', 'DonorPlatformMSP']);
    expect(() => chooseSigners(two, [['DonorPlatformMSP', 'NgoMSP', 'OtherMSP', 'FourthMSP']], [])).toThrow(/needs the admins of 3 of its 4 orgs/);
  });

  test('signers of a change to the Orderer group: a majority of the members and a majority of the orgs that run ordering nodes', () => {
    recordAdded(paths, auditorSpec());
    const t = topology();
    const [donor, ngo, auditor] = t.orgs;
    const members = ['DonorPlatformMSP', 'NgoMSP', 'AuditorMSP'];
    // Ordering run by the donor platform and the NGO only: both must sign, the leaving founder too.
    expect(chooseSigners(t, [members, ['DonorPlatformMSP', 'NgoMSP']], [donor!]).map((o) => o.mspId)).toEqual(['NgoMSP', 'AuditorMSP', 'DonorPlatformMSP']);
    // With the auditor running one too, the NGO and the auditor are a majority of both groups.
    expect(chooseSigners(t, [members, members], [donor!])).toEqual([ngo, auditor]);
    // An org whose admin this network does not hold: refused, saying whose signatures are missing.
    expect(() => chooseSigners(t, [members, ['OtherOrdererMSP']], [])).toThrow(/needs the admins of 1 of its 1 orgs \(OtherOrdererMSP\), but this network holds the admin identities of only 0/);
  });

  test("signers with an orderer-only org: its admin signs changes of the Orderer group only, first, so that a member's admin submits", () => {
    const t = loadTopology(ORDERER_ORG_TOPOLOGY);
    const [donor, ngo] = t.orgs;
    const ordering = t.ordererOrg!;
    const members = ['DonorPlatformMSP', 'NgoMSP'];
    expect(chooseSigners(t, [members], [])).toEqual([donor, ngo]);
    expect(chooseSigners(t, [['OrderingMSP']], [])).toEqual([ordering]);
    expect(chooseSigners(t, [members, ['OrderingMSP']], [])).toEqual([ordering, donor, ngo]);
    // An org leaving signs last among the members.
    expect(chooseSigners(t, [members, ['OrderingMSP']], [donor!])).toEqual([ordering, ngo, donor]);
  });

  test('an org that runs ordering nodes can leave only if the others still run enough of them: Raft 1, BFT 4', () => {
    const t = topology();
    expect(checkRemovable(t, 'DonorPlatformMSP').name).toBe('donorplatform');
    const alone = validateTopology({ ...JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')), orgs: JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')).orgs.map((o: Record<string, unknown>) => (o.name === 'ngo' ? { ...o, orderers: [] } : o)) });
    expect(() => checkRemovable(alone, 'DonorPlatformMSP')).toThrow(
      'DonorPlatformMSP runs every ordering node of channel donations (orderer0.donorplatform, orderer1.donorplatform); another member must run one before it can leave',
    );
    expect(checkRemovable(alone, 'NgoMSP').name).toBe('ngo');
    const bftFile = join(REPO_ROOT, 'network', 'topology-bft.json');
    const bft = loadTopology(bftFile);
    expect(() => checkRemovable(bft, 'NgoMSP')).toThrow(
      'NgoMSP runs 2 of the 4 BFT ordering nodes of channel donations (orderer0.ngo, orderer1.ngo); without them 2 would be left, and BFT needs at least 4: ' +
        'another member must add ordering nodes before it can leave',
    );
    // With the auditor's ordering node as a 5th, the auditor may leave (4 left), a founder may not (3 left).
    const raw = JSON.parse(readFileSync(bftFile, 'utf8')) as { orgs: unknown[] };
    const withAuditor = validateTopology({ ...raw, orgs: [...raw.orgs, auditorSpec()] });
    expect(checkRemovable(withAuditor, 'AuditorMSP').name).toBe('auditor');
    expect(() => checkRemovable(withAuditor, 'NgoMSP')).toThrow(/without them 3 would be left, and BFT needs at least 4/);
  });
});

describe('certificates in an invitation', () => {
  test('text that is not a PEM certificate, or not a CA certificate, is refused with the reason', () => {
    expect(() => checkCaCertificate('caRootCert', 'hello')).toThrow(GovernanceRefusal);
    expect(() => checkCaCertificate('caRootCert', '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----')).toThrow(/not a readable X.509 certificate/);
    expect(() => checkCaCertificate('caRootCert', 42)).toThrow(/must be a PEM certificate/);
  });
});
