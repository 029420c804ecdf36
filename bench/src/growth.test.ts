import { GrowthPoint, growthCharts, growthSvg, growthTable } from './growth';
import { WorkloadResult } from './measure';

const result = (workload: string, tps: number, p95: number): WorkloadResult =>
  ({ workload, tps, latencyMs: { p50: p95 / 2, p95, p99: p95, max: p95 }, failed: {}, submitted: 0, committed: 0, cpuSecondsPer1000: {} }) as unknown as WorkloadResult;

const growth: GrowthPoint[] = [
  { level: 1000, found: 1000, loaded: 1000, seconds: 20, catchUp: { blocks: 100, transactions: 2000, seconds: 1, blocksPerS: 100, transactionsPerS: 2000 }, diskBytes: { 'peer0.a': 50 * 1048576 } },
  { level: 100000, found: 100000, loaded: 99000, seconds: 1800, catchUp: { blocks: 4000, transactions: 200000, seconds: 100, blocksPerS: 40, transactionsPerS: 2000 }, diskBytes: { 'peer0.a': 1500 * 1048576 } },
];
const results = [result('donate@1000', 78.8, 480), result('donate@100000', 70.1, 600), result('list@1000', 30, 300)];

describe('growth curves', () => {
  test('a curve per metric measured at two levels or more, each with the file the docs show it from', () => {
    const charts = growthCharts(growth, results);
    expect(charts.map((c) => c.file)).toEqual(['growth-donate-tps.svg', 'growth-donate-p95.svg', 'growth-rebuild-tx-per-s.svg', 'growth-peer-disk.svg']);
    expect(charts[0]?.points).toEqual([{ level: 1000, value: 78.8 }, { level: 100000, value: 70.1 }]);
    expect(charts[3]?.points).toEqual([{ level: 1000, value: 50 }, { level: 100000, value: 1500 }]);
  });

  test('a curve is a standalone SVG that names its metric and shows each level and value', () => {
    const [donate] = growthCharts(growth, results);
    const svg = growthSvg(donate!);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<title>donate throughput (tps) by donations on the ledger</title>');
    for (const text of ['78.8', '70.1', '1,000', '100,000']) expect(svg).toContain(`>${text}</text>`);
  });

  test('the table has a row per level, "-" where a workload did not run there', () => {
    const { header, rows } = growthTable(growth, results);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.[header.indexOf('donate tps')]).toBe('78.8');
    expect(rows[1]?.[header.indexOf('list p95 ms')]).toBe('-');
  });
});
