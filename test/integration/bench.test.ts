// The benchmark harness runs every workload end to end (briefly) and writes its reports. Speed
// is judged by `npm run bench`, never here: this only keeps the harness from rotting.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@donation-ledger/network';
import { connectAs, TEST_RUN_DIR } from './harness';

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
    expect(Object.keys(report.results[1]?.cpuSecondsPer1000 ?? {})).toEqual(expect.arrayContaining(['peer0.ngo', 'orderer0.donorplatform', 'ccaas.ngo', 'bench client']));
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

test('the loader builds a ledger of 1,000 settled donations through the normal transactions and, run again, finds them and writes nothing', async () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  const load = (): { found: number; loaded: number } => {
    const result = spawnSync(process.execPath, [
      join(REPO_ROOT, 'bench', 'dist', 'cli.js'), '--run-dir', TEST_RUN_DIR, '--workloads', 'none', '--preload', '1000', '--out', out,
    ], { encoding: 'utf8' });
    expect(result.stderr).not.toContain('ERROR');
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { growth: { level: number; found: number; loaded: number }[] };
    expect(report.growth.map((g) => g.level)).toEqual([1000]);
    return report.growth[0]!;
  };
  try {
    expect(load()).toMatchObject({ found: 0, loaded: 1000 });
    expect(load()).toMatchObject({ found: 1000, loaded: 0 });
    const payments = await connectAs('donorplatform', 'payments1');
    try {
      const batches = await Promise.all([payments.readSettlement('load-b0'), payments.readSettlement('load-b1')]);
      expect(batches.map((b) => b.settlements.length)).toEqual([500, 500]);
      expect(await payments.readDonation('load-999')).toMatchObject({ status: 'settled', ngoId: 'load-ngo-9', remaining: '100' });
      await expect(payments.readSettlement('load-b2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      payments.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
