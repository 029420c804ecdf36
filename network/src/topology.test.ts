import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigtxOrg, ordererEnv, writeConfigtx } from './nodes';
import { DEFAULT_TOPOLOGY, REPO_ROOT, RunPaths } from './paths';
import { allPorts, channelNames, channelView, DEFAULT_SMARTBFT, endpoint, OrdererNode, ordererNodes, orderingFaultsTolerated, loadTopology, sites, Topology, TopologyError, validateTopology } from './topology';

const BFT_TOPOLOGY = join(REPO_ROOT, 'network', 'topology-bft.json');
const CHANNELS_TOPOLOGY = join(REPO_ROOT, 'network', 'topology-channels.json');
const defaultTopology = (): Record<string, any> => JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8'));
const bftTopology = (): Record<string, any> => JSON.parse(readFileSync(BFT_TOPOLOGY, 'utf8'));
/** The layout before member orgs ran the ordering nodes: an org of its own runs them (still possible). */
const withOrdererOnlyOrg = (raw: Record<string, any>): Record<string, any> => {
  const nodes = raw.orgs.flatMap((o: Record<string, any>) => o.orderers).map((n: Record<string, any>, i: number) => ({ ...n, name: `orderer${i}` }));
  for (const org of raw.orgs) delete org.orderers;
  raw.orderer = { ...raw.orderer, name: 'orderer', mspId: 'OrdererMSP', host: '127.0.1.1', ca: { port: 7154, operationsPort: 9543 }, nodes };
  return raw;
};

function problemsOf(raw: unknown, offset = 0): string[] {
  try {
    validateTopology(raw, 'topology.json', offset);
    return [];
  } catch (err) {
    if (err instanceof TopologyError) return [...err.problems];
    throw err;
  }
}

describe('the topology file', () => {
  test('the shipped topology is valid: two member orgs, which run the three Raft orderers (2 + 1), the channel\'s MAJORITY endorsement policy', () => {
    const t = loadTopology(DEFAULT_TOPOLOGY);
    expect(t.orgs.map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP']);
    expect(t.ordererOrg).toBeUndefined();
    expect(ordererNodes(t).map((n) => n.id)).toEqual(['orderer0.donorplatform', 'orderer1.donorplatform', 'orderer0.ngo']);
    expect(t.ordering).toMatchObject({ consensus: 'etcdraft', raft: { tickInterval: '500ms', electionTick: 10, heartbeatTick: 1 } });
    expect(t.chaincode.endorsementPolicy).toBe('/Channel/Application/Endorsement');
    expect(t.governance).toEqual({ thresholdPercentage: 50, comparator: 'GREATER_THAN', proposalDurationHours: 24 });
  });

  test('no two nodes of the shipped topology share a port', () => {
    const ports = allPorts(loadTopology(DEFAULT_TOPOLOGY)).map((p) => p.port);
    expect(new Set(ports).size).toBe(ports.length);
  });

  test('a port offset shifts every port', () => {
    const plain = allPorts(loadTopology(DEFAULT_TOPOLOGY)).map((p) => p.port);
    const shifted = allPorts(loadTopology(DEFAULT_TOPOLOGY, 1000)).map((p) => p.port);
    expect(shifted).toEqual(plain.map((p) => p + 1000));
  });

  test('each site listens on its own loopback address: orderers, CAs, peers and chaincode servers on their org\'s', () => {
    const t = loadTopology(DEFAULT_TOPOLOGY);
    expect(t.orgs.map((o) => o.host)).toEqual(['127.0.2.1', '127.0.3.1']);
    const ngo = t.orgs[1]!;
    expect(endpoint(t, ngo.peers[0]!.port)).toBe(`127.0.3.1:${ngo.peers[0]!.port}`);
    expect(endpoint(t, ngo.chaincodeServer.port)).toBe(`127.0.3.1:${ngo.chaincodeServer.port}`);
    expect(ordererNodes(t).map((n) => endpoint(t, n.port))).toEqual(['127.0.2.1:7255', '127.0.2.1:7257', '127.0.3.1:7355']);
    expect(() => endpoint(t, 1)).toThrow('no node of the topology listens on port 1');
  });

  test('an org without a host of its own is on the topology\'s; a host off the loopback network is refused', () => {
    const raw = withOrdererOnlyOrg(defaultTopology());
    delete raw.orgs[0].host;
    expect(validateTopology(raw).orgs[0]!.host).toBe('127.0.0.1');
    raw.orgs[0].host = '10.0.0.5';
    raw.orderer.host = 'example.org';
    expect(problemsOf(raw)).toEqual([
      'orderer.host: must be a loopback address like 127.0.2.1, got "example.org"',
      'orgs[0].host: must be a loopback address like 127.0.2.1, got "10.0.0.5"',
    ]);
  });

  test('a second peer for an org is one more entry in its peers list', () => {
    const raw = defaultTopology();
    raw.orgs[1].peers.push({ name: 'peer1', port: 7451, chaincodePort: 7452, operationsPort: 9841 });
    expect(validateTopology(raw).orgs[1]?.peers.map((p) => p.name)).toEqual(['peer0', 'peer1']);
  });

  test('every problem is reported at once, each naming its field', () => {
    const raw = defaultTopology();
    raw.channel = 'Donations!';
    raw.orgs[0].peers[0].port = 80;
    raw.orgs[1].ca.operationsPort = raw.orgs[0].ca.operationsPort;
    raw.orgs[1].orderers[0].adminPort = 'x';
    expect(problemsOf(raw)).toEqual([
      'channel: must be a lower-case channel name, got "Donations!"',
      'orgs[0].peers[0].port: must be a whole number from 1024 to 65535, got 80',
      'orgs[1].ca.operationsPort: port 9640 is already used by orgs[0].ca.operationsPort',
      'orgs[1].orderers[0].adminPort: must be a whole number from 1024 to 65535, got "x"',
    ]);
  });

  test('a duplicate MSP ID, a reserved user name and a policy naming an unknown org are refused', () => {
    const raw = defaultTopology();
    raw.orgs[1].mspId = 'DonorPlatformMSP';
    raw.orgs[0].users.push({ name: 'orgadmin', attrs: {} });
    raw.chaincode.endorsementPolicy = "AND('DonorPlatformMSP.peer','AuditorMSP.peer')";
    expect(problemsOf(raw)).toEqual([
      'MSP ID "DonorPlatformMSP" is used twice',
      'org "donorplatform": user name "orgadmin" is reserved',
      'chaincode.endorsementPolicy names AuditorMSP, which is not an org of the topology',
    ]);
  });

  test('attribute values that would break a Fabric CA attribute list are refused', () => {
    const raw = defaultTopology();
    raw.orgs[1].users[1].attrs.ngoId = 'a,b';
    expect(problemsOf(raw)).toEqual(["orgs[1].users[1].attrs.ngoId: must be a non-empty string without ',' or '='"]);
  });
});

describe('the consensus of the ordering service', () => {
  test('the shipped topology of several channels: donations for the three founders, evidence for the NGO and the auditor', () => {
    const t = loadTopology(CHANNELS_TOPOLOGY);
    expect(channelNames(t)).toEqual(['donations', 'evidence']);
    expect(channelView(t, 'donations')).toBe(t);
    expect(t.channels).toEqual([{ name: 'evidence', members: ['ngo', 'auditor'], orderedBy: ['ngo', 'auditor'], endorsementPolicy: '/Channel/Application/Endorsement', collections: '' }]);
    expect(loadTopology(DEFAULT_TOPOLOGY).channels).toEqual([]);
  });

  test("a subset channel's view: only its members, only their ordering nodes, its own chaincode definition (no collections by default)", () => {
    const t = loadTopology(CHANNELS_TOPOLOGY);
    const evidence = channelView(t, 'evidence');
    expect(evidence.channel).toBe('evidence');
    expect(evidence.orgs.map((o) => o.name)).toEqual(['ngo', 'auditor']);
    expect(ordererNodes(evidence).map((n) => n.id)).toEqual(['orderer0.ngo', 'orderer0.auditor']);
    expect(ordererNodes(t).map((n) => n.id)).toEqual(['orderer0.donorplatform', 'orderer0.ngo', 'orderer0.auditor']);
    expect(evidence.chaincode).toEqual({ ...t.chaincode, endorsementPolicy: '/Channel/Application/Endorsement', collections: '' });
    expect(evidence.channels).toEqual([]);
    expect(() => channelView(t, 'audits')).toThrow('unknown channel "audits"; the topology has: donations, evidence');
  });

  test('a subset channel must name member orgs, a name of its own, a policy over its members, and enough of their ordering nodes', () => {
    const raw = defaultTopology();
    raw.channels = [
      { name: 'donations', members: ['ngo'] },
      { name: 'audit', members: ['ngo', 'auditor', 'ngo'], endorsementPolicy: "AND('DonorPlatformMSP.peer')" },
      { name: 'audit', members: [] },
      { name: 'Bad Name', members: ['ngo'], extra: 1 },
    ];
    expect(problemsOf(raw)).toEqual([
      'channels[2].members: needs at least 1 entry',
      'channels[3].extra: unknown field (allowed: name, members, orderedBy, endorsementPolicy, collections)',
      'channels[3].name: must be a lower-case channel name, got "Bad Name"',
    ]);
    raw.channels = raw.channels.slice(0, 2);
    expect(problemsOf(raw)).toEqual([
      'channels[0].name: "donations" is the main channel (the topology\'s channel); a subset channel needs a name of its own',
      'channels[1].members: names an org twice',
      'channels[1].members: auditor is not a member org of the topology (it has: donorplatform, ngo)',
      'channels[1].endorsementPolicy names DonorPlatformMSP, which is not a member of channel audit',
    ]);
    const bft = bftTopology();
    bft.channels = [{ name: 'audit', members: ['ngo'] }];
    expect(problemsOf(bft)).toEqual([
      "channels[0]: channel audit is ordered only by its members' ordering nodes (an ordering node sees every transaction of its channels), and consensus BFT needs at least 4; its ordering members run 2",
    ]);
    bft.channels = [{ name: 'audit', members: ['ngo', 'donorplatform'] }];
    expect(problemsOf(bft)).toEqual([]);
  });

  test('a topology without orderer.consensus is etcdraft, and its orderers tolerate a minority of crashes', () => {
    const raw = defaultTopology();
    expect(raw.orderer.consensus).toBeUndefined();
    const t = validateTopology(raw);
    expect(t.ordering.consensus).toBe('etcdraft');
    expect(orderingFaultsTolerated(t)).toBe(1);
    expect(validateTopology({ ...raw, orderer: { ...raw.orderer, consensus: 'etcdraft' } })).toEqual(t);
  });

  test('the shipped BFT topology is valid: the same orgs, running four SmartBFT orderers (2 + 2) on ports of their own', () => {
    const t = loadTopology(BFT_TOPOLOGY);
    const raft = loadTopology(DEFAULT_TOPOLOGY);
    expect(t.ordering.consensus).toBe('BFT');
    expect(ordererNodes(t).map((n) => n.id)).toEqual(['orderer0.donorplatform', 'orderer1.donorplatform', 'orderer0.ngo', 'orderer1.ngo']);
    expect(orderingFaultsTolerated(t)).toBe(1);
    const withoutOrderers = (orgs: Topology['orgs']): unknown[] => orgs.map((o) => ({ ...o, orderers: [] }));
    expect(withoutOrderers(t.orgs)).toEqual(withoutOrderers(raft.orgs));
    expect(t.chaincode).toEqual(raft.chaincode);
    const ports = allPorts(t).map((p) => p.port);
    expect(new Set(ports).size).toBe(ports.length);
  });

  test('BFT with fewer than 4 ordering nodes in all is refused, saying that 3f+1 are needed and who runs how many', () => {
    const raw = bftTopology();
    raw.orgs[1].orderers.pop();
    expect(problemsOf(raw)).toEqual([
      'consensus BFT needs at least 4 ordering nodes in all (3f+1 nodes tolerate f faulty ones; 4 tolerate 1), got 3 (donorplatform: 2, ngo: 1)',
    ]);
    for (const org of raw.orgs) delete org.orderers;
    expect(problemsOf(raw)).toEqual([
      'consensus BFT needs at least 4 ordering nodes in all (3f+1 nodes tolerate f faulty ones; 4 tolerate 1), got 0 (none in orgs[].orderers or orderer.nodes)',
    ]);
  });

  test('etcdraft needs at least 1 ordering node; a single one, run by any member, is accepted', () => {
    const raw = defaultTopology();
    raw.orgs[0].orderers = [];
    expect(ordererNodes(validateTopology(raw)).map((n) => n.id)).toEqual(['orderer0.ngo']);
    raw.orgs[1].orderers = [];
    expect(problemsOf(raw)).toEqual(['consensus etcdraft needs at least 1 ordering node in all, got 0 (none in orgs[].orderers or orderer.nodes)']);
  });

  test('ordering nodes are checked like every node: ports unique across the network, names unique within their org', () => {
    const raw = defaultTopology();
    raw.orgs[1].orderers[0].port = raw.orgs[0].orderers[1].port;
    raw.orgs[0].orderers[1].name = 'orderer0';
    raw.orgs[0].orderers.push({ name: 'Orderer 2', port: 7259, adminPort: 7259, operationsPort: 9644, tls: true });
    expect(problemsOf(raw)).toEqual([
      'orgs[0].orderers[2].tls: unknown field (allowed: name, port, adminPort, operationsPort)',
      'orgs[0].orderers[2].name: must be a lower-case name, got "Orderer 2"',
      'orgs[0].orderers[2].adminPort: port 7259 is already used by orgs[0].orderers[2].port',
      'orgs[1].orderers[0].port: port 7257 is already used by orgs[0].orderers[1].port',
    ]);
    const named = defaultTopology();
    named.orgs[0].orderers[1].name = 'orderer0';
    expect(problemsOf(named)).toEqual(['org "donorplatform" has two orderer nodes with one name']);
  });

  test('an orderer-only org stays possible: the orderer section with name, mspId, ca and nodes; it must be complete', () => {
    const t = validateTopology(withOrdererOnlyOrg(defaultTopology()));
    expect(t.ordererOrg).toMatchObject({ name: 'orderer', mspId: 'OrdererMSP', host: '127.0.1.1' });
    expect(ordererNodes(t).map((n) => `${n.id}@${endpoint(t, n.port)}`)).toEqual(['orderer0.orderer@127.0.1.1:7255', 'orderer1.orderer@127.0.1.1:7257', 'orderer2.orderer@127.0.1.1:7355']);
    expect(t.orgs.every((o) => o.orderers.length === 0)).toBe(true);
    const partial = withOrdererOnlyOrg(defaultTopology());
    delete partial.orderer.ca;
    delete partial.orderer.mspId;
    expect(problemsOf(partial)).toEqual([
      'orderer: an orderer-only org needs name, mspId, ca and nodes (missing: mspId, ca); without any of them, member orgs run the ordering nodes (orgs[].orderers)',
      'orderer.mspId: must be an MSP ID, got undefined',
      'orderer.ca: must be an object',
      'orderer.ca.port: must be a whole number from 1024 to 65535, got undefined',
      'orderer.ca.operationsPort: must be a whole number from 1024 to 65535, got undefined',
    ]);
  });

  test('an unknown consensus type is refused (the names are Fabric\'s: etcdraft, BFT)', () => {
    const raw = defaultTopology();
    raw.orderer.consensus = 'bft';
    expect(problemsOf(raw)).toEqual(['orderer.consensus: must be one of etcdraft, BFT, got "bft"']);
    raw.orderer.consensus = 'solo';
    expect(problemsOf(raw)).toEqual(['orderer.consensus: must be one of etcdraft, BFT, got "solo"']);
  });

  test('SmartBFT options are refused for etcdraft, and Raft options for BFT', () => {
    const raft = defaultTopology();
    raft.orderer.smartbft = { viewChangeTimeout: '10s' };
    expect(problemsOf(raft)).toEqual(["orderer.smartbft: only for consensus BFT (this topology's consensus is etcdraft)"]);
    const bft = bftTopology();
    bft.orderer.raft = defaultTopology().orderer.raft;
    expect(problemsOf(bft)).toEqual(['orderer.raft: only for consensus etcdraft; BFT takes its options from orderer.smartbft']);
  });

  test('SmartBFT options are optional: the batch interval follows batchTimeout, the timeouts suit one machine', () => {
    const raw = bftTopology();
    delete raw.orderer.smartbft;
    raw.orderer.batchTimeout = '400ms';
    const t = validateTopology(raw);
    if (t.ordering.consensus !== 'BFT') throw new Error('expected BFT');
    expect(t.ordering.smartbft).toEqual({ ...DEFAULT_SMARTBFT, requestBatchMaxInterval: '400ms' });
    raw.orderer.smartbft = { leaderHeartbeatTimeout: '30s' };
    expect(validateTopology(raw).ordering).toMatchObject({ smartbft: { leaderHeartbeatTimeout: '30s', viewChangeTimeout: DEFAULT_SMARTBFT.viewChangeTimeout } });
  });

  test('unknown SmartBFT options and timeouts SmartBFT would refuse are reported, each naming its field and bound', () => {
    const raw = bftTopology();
    raw.orderer.smartbft = {
      requestBatchMaxInterval: 'soon', leaderHeartbeatTimeout: '500ms', requestComplainTimeout: '1s', viewChangeTimeout: '2s', leaderRotation: true,
    };
    expect(problemsOf(raw)).toEqual([
      'orderer.smartbft.leaderRotation: unknown field (allowed: requestBatchMaxInterval, leaderHeartbeatTimeout, requestComplainTimeout, viewChangeTimeout)',
      'orderer.smartbft.requestBatchMaxInterval: must be a duration like 10s, got "soon"',
      'orderer.smartbft.leaderHeartbeatTimeout: must be at least 1s (the leader sends 10 heartbeats per timeout; faster would flood a loaded machine), got 500ms',
      'orderer.smartbft.requestComplainTimeout: must be at least 2s (SmartBFT forwards a request after 2s and drops it after 3m), got 1s',
      'orderer.smartbft.viewChangeTimeout: must be at least 5s (SmartBFT resends view-change messages every 5s), got 2s',
    ]);
    raw.orderer.smartbft = { requestComplainTimeout: '5m' };
    expect(problemsOf(raw)).toEqual(['orderer.smartbft.requestComplainTimeout: must be at most 3m (SmartBFT forwards a request after 2s and drops it after 3m), got 5m']);
  });
});

describe('the channel configuration generated for each consensus', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'configtx-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Where materialiseDefinitions (founding.ts) puts an org's MSP and its ordering nodes' certificates. */
  const mspDir = (mspId: string): string => join(dir, mspId, 'msp');
  const nodeFile = (n: OrdererNode, file: 'tls.pem' | 'enrollment.pem'): string => join(dir, n.org.mspId, 'orderers', n.name, file);
  const configtxOf = (t: Topology): Record<string, any> => {
    const orgs: ConfigtxOrg[] = sites(t).map((site) => {
      const member = t.orgs.find((o) => o.name === site.name);
      return {
        mspId: site.mspId,
        mspDir: mspDir(site.mspId),
        anchorPeers: member ? [{ host: member.host, port: member.peers[0]!.port }] : [],
        consenters: ordererNodes(t).filter((n) => n.org === site).map((n) => ({
          host: site.host, port: n.port, identityFile: nodeFile(n, 'enrollment.pem'), tlsCertFile: nodeFile(n, 'tls.pem'),
        })),
      };
    });
    return JSON.parse(readFileSync(join(writeConfigtx(t, orgs, join(dir, 'channel')), 'configtx.yaml'), 'utf8')).Profiles.ApplicationChannel;
  };

  test('etcdraft: Raft consenters on their orgs\' sites, V2_0 capabilities, and blocks valid only with an ordering node\'s signature', () => {
    const t = loadTopology(DEFAULT_TOPOLOGY);
    const profile = configtxOf(t);
    expect(profile.Capabilities).toEqual({ V2_0: true });
    expect(profile.Orderer.OrdererType).toBe('etcdraft');
    const [o0, o1, o2] = ordererNodes(t);
    expect(profile.Orderer.EtcdRaft.Consenters).toEqual([
      ['127.0.2.1', 7255, o0!], ['127.0.2.1', 7257, o1!], ['127.0.3.1', 7355, o2!],
    ].map(([host, port, n]) => ({ Host: host, Port: port, ClientTLSCert: nodeFile(n as OrdererNode, 'tls.pem'), ServerTLSCert: nodeFile(n as OrdererNode, 'tls.pem') })));
    expect(profile.Orderer.ConsenterMapping).toBeUndefined();
    expect(profile.Orderer.SmartBFT).toBeUndefined();
    expect(profile.Orderer.Capabilities).toEqual({ V2_0: true });
    expect(profile.Orderer.Policies.BlockValidation).toEqual({ Type: 'Signature', Rule: "OR('DonorPlatformMSP.orderer','NgoMSP.orderer')" });
  });

  test('the member orgs that run ordering nodes are in the Orderer group too, with the same MSP, their endpoints and policies over their own members; MAJORITY of them administers it', () => {
    const profile = configtxOf(loadTopology(DEFAULT_TOPOLOGY));
    const [donorPlatform, ngo] = profile.Application.Organizations;
    expect(profile.Orderer.Organizations).toEqual([
      { Name: 'DonorPlatformMSP', ID: 'DonorPlatformMSP', MSPDir: donorPlatform.MSPDir, OrdererEndpoints: ['127.0.2.1:7255', '127.0.2.1:7257'], Policies: {
        Readers: { Type: 'Signature', Rule: "OR('DonorPlatformMSP.member')" }, Writers: { Type: 'Signature', Rule: "OR('DonorPlatformMSP.member')" },
        Admins: { Type: 'Signature', Rule: "OR('DonorPlatformMSP.admin')" },
      } },
      expect.objectContaining({ Name: 'NgoMSP', MSPDir: ngo.MSPDir, OrdererEndpoints: ['127.0.3.1:7355'] }),
    ]);
    expect(profile.Orderer.Policies.Admins).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' });
    expect(profile.Application.Policies.Admins).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' });
  });

  test('an orderer-only org is the Orderer group\'s only org, and not in the Application group', () => {
    const profile = configtxOf(validateTopology(withOrdererOnlyOrg(defaultTopology())));
    expect(profile.Orderer.Organizations.map((o: { Name: string }) => o.Name)).toEqual(['OrdererMSP']);
    expect(profile.Application.Organizations.map((o: { Name: string }) => o.Name)).toEqual(['DonorPlatformMSP', 'NgoMSP']);
    expect(profile.Orderer.Policies.BlockValidation).toEqual({ Type: 'Signature', Rule: "OR('OrdererMSP.orderer')" });
  });

  test('BFT: channel capability V3_0, a consenter mapping with IDs 1..n and each orderer\'s enrollment and TLS certificates, every SmartBFT option, no Raft', () => {
    const t = loadTopology(BFT_TOPOLOGY, 3000);
    const profile = configtxOf(t);
    expect(profile.Capabilities).toEqual({ V3_0: true });
    expect(profile.Orderer.OrdererType).toBe('BFT');
    expect(profile.Orderer.EtcdRaft).toBeUndefined();
    expect(profile.Orderer.Capabilities).toEqual({ V2_0: true }); // Fabric 3.1 knows no V3_0 orderer capability
    expect(profile.Orderer.ConsenterMapping).toEqual(ordererNodes(t).map((n, i) => ({
      ID: i + 1,
      Host: n.org.host,
      Port: n.port,
      MSPID: n.org.mspId,
      Identity: nodeFile(n, 'enrollment.pem'),
      ClientTLSCert: nodeFile(n, 'tls.pem'),
      ServerTLSCert: nodeFile(n, 'tls.pem'),
    })));
    expect(profile.Orderer.ConsenterMapping.map((c: { MSPID: string }) => c.MSPID)).toEqual(['DonorPlatformMSP', 'DonorPlatformMSP', 'NgoMSP', 'NgoMSP']);
    expect(profile.Orderer.Organizations.map((o: { OrdererEndpoints: string[] }) => o.OrdererEndpoints)).toEqual([['127.0.2.1:10255', '127.0.2.1:10257'], ['127.0.3.1:10355', '127.0.3.1:10357']]);
    expect(profile.Orderer.SmartBFT).toMatchObject({
      RequestBatchMaxCount: 100, RequestBatchMaxBytes: 10 * 1024 * 1024, RequestBatchMaxInterval: '250ms', LeaderHeartbeatTimeout: '10s',
      RequestComplainTimeout: '10s', ViewChangeTimeout: '10s', ViewChangeResendInterval: '5s', RequestForwardTimeout: '2s', RequestAutoRemoveTimeout: '3m',
    });
    // configtxgen takes SmartBFT options whole: none may be left to default to zero.
    for (const value of Object.values(profile.Orderer.SmartBFT as Record<string, unknown>)) expect(value).toBeTruthy();
    // Declared (configtxgen requires it), then replaced by configtxgen with a quorum of the consenters.
    expect(profile.Orderer.Policies.BlockValidation).toEqual({ Type: 'Signature', Rule: "OR('DonorPlatformMSP.orderer','NgoMSP.orderer')" });
  });

  test('each consensus keeps its write-ahead log in its own folder of the orderer\'s data', () => {
    const paths = new RunPaths(dir);
    const raft = loadTopology(DEFAULT_TOPOLOGY);
    const bft = loadTopology(BFT_TOPOLOGY);
    expect(ordererEnv(raft, paths, ordererNodes(raft)[0]!)).toMatchObject({
      ORDERER_CONSENSUS_WALDIR: join(paths.nodeData('orderer0.donorplatform'), 'etcdraft', 'wal'),
      ORDERER_CONSENSUS_SNAPDIR: join(paths.nodeData('orderer0.donorplatform'), 'etcdraft', 'snapshot'),
    });
    const env = ordererEnv(bft, paths, ordererNodes(bft)[3]!);
    expect(env.ORDERER_CONSENSUS_WALDIR).toBe(join(paths.nodeData('orderer1.ngo'), 'smartbft', 'wal'));
    expect(env.ORDERER_CONSENSUS_SNAPDIR).toBeUndefined();
  });

  test('an ordering node runs as its org: its MSP ID, its own identities and CA, on its site\'s address', () => {
    const paths = new RunPaths(dir);
    const t = loadTopology(DEFAULT_TOPOLOGY);
    const node = ordererNodes(t)[2]!;
    expect(ordererEnv(t, paths, node)).toMatchObject({
      ORDERER_GENERAL_LOCALMSPID: 'NgoMSP',
      ORDERER_GENERAL_LISTENADDRESS: '127.0.3.1',
      ORDERER_GENERAL_LOCALMSPDIR: paths.msp('ngo', 'orderer0.ngo'),
      ORDERER_GENERAL_TLS_CERTIFICATE: join(paths.tls('ngo', 'orderer0.ngo'), 'server.crt'),
      ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${paths.caCert('ngo')}]`,
      ORDERER_ADMIN_LISTENADDRESS: '127.0.3.1:7356',
    });
  });
});
