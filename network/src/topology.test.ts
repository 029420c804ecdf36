import { readFileSync } from 'node:fs';
import { DEFAULT_TOPOLOGY } from './paths';
import { allPorts, loadTopology, TopologyError, validateTopology } from './topology';

const defaultTopology = (): Record<string, any> => JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8'));

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
  test('the shipped topology is valid: two member orgs, three Raft orderers, the channel\'s MAJORITY endorsement policy', () => {
    const t = loadTopology(DEFAULT_TOPOLOGY);
    expect(t.orgs.map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP']);
    expect(t.orderer.nodes).toHaveLength(3);
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
    raw.orderer.nodes = [];
    expect(problemsOf(raw)).toEqual([
      'channel: must be a lower-case channel name, got "Donations!"',
      'orderer.nodes: needs at least 1 entry',
      'orgs[0].peers[0].port: must be a whole number from 1024 to 65535, got 80',
      'orgs[1].ca.operationsPort: port 9640 is already used by orgs[0].ca.operationsPort',
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
