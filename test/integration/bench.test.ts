// The benchmark harness runs every workload end to end (briefly) and writes its reports. Speed
// is judged by `npm run bench`, never here: this only keeps the harness from rotting.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@donation-ledger/network';
import { TEST_RUN_DIR } from './harness';

test('npm run bench deploys its own chaincode, runs each workload and writes a JSON and an HTML report', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const result = spawnSync(process.execPath, [
      join(REPO_ROOT, 'bench', 'dist', 'cli.js'), '--run-dir', TEST_RUN_DIR,
      '--duration', '1', '--concurrency', '4', '--clients', '2', '--out', out, '--spend-pools', '20',
    ], { encoding: 'utf8' });
    expect(result.stderr).not.toContain('ERROR');
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { results: { workload: string; committed: number; cpuSecondsPer1000: Record<string, number> }[]; ratios: Record<string, number | null> };
    expect(report.results.map((r) => r.workload)).toEqual([
      'baseline', 'donate', 'settle', 'settle-batch', 'spend', 'read', 'list', 'list-index', 'rest', 'rest-list', 'rest-list-index', 'spend-pool-20',
    ]);
    for (const r of report.results) expect(r.committed).toBeGreaterThan(0);
    expect(Object.keys(report.results[1]?.cpuSecondsPer1000 ?? {})).toEqual(expect.arrayContaining(['peer0.ngo', 'orderer0', 'ccaas.ngo', 'bench client']));
    // The blind writes ran in the bench's own chaincode, deployed by the bench, not in the ledger's.
    expect(report.results[0]?.cpuSecondsPer1000['ccaas-bench.ngo']).toBeGreaterThan(0);
    expect(report.ratios['donate/baseline']).toEqual(expect.any(Number));
    expect(report.ratios['donations pledged and settled per second, 50 to a settlement']).toEqual(expect.any(Number));
    expect(report.ratios['rest list: read model/chaincode']).toEqual(expect.any(Number));
    expect(readFileSync(join(out, 'latest.html'), 'utf8')).toContain('<svg');
    expect(result.stdout).toContain('donate/baseline');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
