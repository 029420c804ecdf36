import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MembershipError } from './membership';
import { DEFAULT_TOPOLOGY, REPO_ROOT, RunPaths } from './paths';
import { checkRejoinable } from './rejoin';
import { loadTopology } from './topology';

let dir: string;
let paths: RunPaths;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rejoin-'));
  paths = new RunPaths(join(dir, 'run'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusalOf(check: () => unknown): string {
  try {
    check();
    return 'accepted';
  } catch (err) {
    return err instanceof MembershipError ? err.message : `not a refusal: ${String(err)}`;
  }
}

describe('which ordering node may rejoin the Raft consenters', () => {
  const raft = loadTopology(DEFAULT_TOPOLOGY);

  test('a stopped Raft ordering node without a ledger may', () => {
    expect(checkRejoinable(raft, paths, 'orderer0.ngo').id).toBe('orderer0.ngo');
    mkdirSync(paths.nodeData('orderer0.ngo'), { recursive: true }); // an empty folder is no ledger
    expect(checkRejoinable(raft, paths, 'orderer0.ngo').id).toBe('orderer0.ngo');
  });

  test('an unknown node is refused, naming the ordering nodes', () => {
    expect(refusalOf(() => checkRejoinable(raft, paths, 'peer0.ngo'))).toBe(
      'peer0.ngo is not an ordering node of this network (ordering nodes: orderer0.donorplatform, orderer1.donorplatform, orderer0.ngo)',
    );
  });

  test('a node that still has a ledger is refused: it would go back in its log only if that ledger is old, which the operator knows', () => {
    mkdirSync(paths.nodeData('orderer0.ngo'), { recursive: true });
    writeFileSync(join(paths.nodeData('orderer0.ngo'), 'chains'), '');
    expect(refusalOf(() => checkRejoinable(raft, paths, 'orderer0.ngo'))).toContain('orderer0.ngo still has a ledger');
  });

  test('a BFT channel is refused: these scripts change only Raft consenters', () => {
    const bft = loadTopology(join(REPO_ROOT, 'network', 'topology-bft.json'));
    expect(refusalOf(() => checkRejoinable(bft, paths, 'orderer0.ngo'))).toContain('orders with BFT: these scripts change only Raft consenters');
  });
});
