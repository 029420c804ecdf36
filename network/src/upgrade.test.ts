import { compareVersions, parseVersionOutput } from './fabric-bin';
import { NodeVersion, planUpgrade, UpgradeRefusal } from './upgrade';

const node = (id: string, kind: NodeVersion['kind'], version: string): NodeVersion => ({ id, kind, version });
const network = (version: string): NodeVersion[] => [
  node('peer0.ngo', 'peer', version), node('orderer0', 'orderer', version), node('peer0.donorplatform', 'peer', version), node('orderer1', 'orderer', version),
];

function refusalOf(f: () => unknown): UpgradeRefusal {
  try {
    f();
  } catch (err) {
    if (err instanceof UpgradeRefusal) return err;
    throw err;
  }
  throw new Error('no refusal');
}

describe('Fabric release versions', () => {
  test('releases are ordered by number, not by text: 3.1.0 < 3.1.1 < 3.10.0, and a leading v is the same release', () => {
    expect(compareVersions('3.1.0', '3.1.1')).toBeLessThan(0);
    expect(compareVersions('3.1.1', '3.10.0')).toBeLessThan(0);
    expect(compareVersions('3.2.0', '3.1.9')).toBeGreaterThan(0);
    expect(compareVersions('v3.1.1', '3.1.1')).toBe(0);
  });

  test('a version that is not MAJOR.MINOR.PATCH is rejected rather than guessed', () => {
    expect(() => compareVersions('3.1', '3.1.1')).toThrow(/not a Fabric release version/);
    expect(() => compareVersions('3.1.1', 'latest')).toThrow(/not a Fabric release version/);
  });

  test("the version is read from the Version line of `peer version` output, not from the Go version line", () => {
    const output = 'peer:\n Version: 3.1.0\n Commit SHA: development build\n Go version: go1.26.8\n OS/Arch: linux/amd64\n';
    expect(parseVersionOutput(output)).toBe('3.1.0');
    expect(parseVersionOutput('orderer:\n Version: v3.1.1\n')).toBe('3.1.1');
    expect(parseVersionOutput('Error: unknown command')).toBeUndefined();
  });
});

describe('the rolling upgrade plan', () => {
  test('every orderer is upgraded before any peer, each kind in topology order', () => {
    expect(planUpgrade(network('3.1.0'), '3.1.1').map((n) => n.id)).toEqual(['orderer0', 'orderer1', 'peer0.ngo', 'peer0.donorplatform']);
  });

  test("the ordering service's leader is upgraded last among the orderers, so that it is stopped once", () => {
    expect(planUpgrade(network('3.1.0'), '3.1.1', 'orderer0').map((n) => n.id)).toEqual(['orderer1', 'orderer0', 'peer0.ngo', 'peer0.donorplatform']);
  });

  test('a resumed upgrade skips the nodes that already run the target release', () => {
    const partly = [node('orderer0', 'orderer', '3.1.1'), node('orderer1', 'orderer', '3.1.0'), node('peer0.ngo', 'peer', '3.1.0')];
    expect(planUpgrade(partly, '3.1.1').map((n) => n.id)).toEqual(['orderer1', 'peer0.ngo']);
  });

  test('an upgrade to the release that runs is refused: the target is not newer', () => {
    expect(refusalOf(() => planUpgrade(network('3.1.1'), '3.1.1')).message).toMatch(/every node already runs Fabric 3\.1\.1: the target is not newer.*nothing was changed/);
  });

  test('an upgrade to an older release is refused, naming the nodes that run a newer one', () => {
    const message = refusalOf(() => planUpgrade(network('3.1.1'), '3.1.0')).message;
    expect(message).toMatch(/^Fabric 3\.1\.0 is older than what runs \(peer0\.ngo runs 3\.1\.1, orderer0 runs 3\.1\.1/);
    expect(message).toMatch(/never takes a node back; nothing was changed$/);
  });

  test('a mixed network is refused when any node runs a release newer than the target', () => {
    const mixed = [node('orderer0', 'orderer', '3.1.0'), node('peer0.ngo', 'peer', '3.1.1')];
    expect(refusalOf(() => planUpgrade(mixed, '3.1.0')).message).toMatch(/peer0\.ngo runs 3\.1\.1/);
  });
});
