// Growth curves: what the bench measures at each --preload level besides the workloads (the
// read model rebuilt from genesis, the peers' disk, the memory of the processes that hold a read
// model), and the table and SVG lines the report draws from them.
import { BlockSource, LedgerClient } from '@donation-ledger/client';
import { Indexer, openStore } from '@donation-ledger/indexer';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessCpu, WorkloadResult } from './measure';

export interface GrowthPoint {
  /** Loaded donations the ledger held. */
  readonly level: number;
  readonly found: number;
  readonly loaded: number;
  /** Seconds the loader took to reach the level. */
  readonly seconds: number;
  /** A read model rebuilt from genesis (embedded store, in this process). */
  catchUp?: { readonly blocks: number; readonly transactions: number; readonly seconds: number; readonly blocksPerS: number; readonly transactionsPerS: number };
  /** Bytes under each peer's data folder. */
  diskBytes?: Readonly<Record<string, number>>;
  /** Resident memory of the processes holding a read model, MB. */
  rssMb?: Readonly<Record<string, number>>;
}

/** The rebuild, disk and memory figures at the current level. */
export async function measureAtLevel(
  ledger: LedgerClient, chaincode: string, runDir: string, holders: readonly ProcessCpu[], log: (m: string) => void,
): Promise<Pick<GrowthPoint, 'catchUp' | 'diskBytes' | 'rssMb'>> {
  // Memory first: the rebuild below holds a read model of its own in this process.
  const memory = Object.fromEntries(holders.map((p) => [p.name, rssMb(p.pid)]));
  const catchUp = await rebuildReadModel(ledger.blockSource(), chaincode);
  log(`read model rebuilt from genesis: ${catchUp.blocks} blocks in ${catchUp.seconds} s (${catchUp.blocksPerS} blocks/s, ${catchUp.transactionsPerS} transactions/s)`);
  return { catchUp, diskBytes: peerDisk(runDir), rssMb: memory };
}

async function rebuildReadModel(source: BlockSource, chaincode: string): Promise<NonNullable<GrowthPoint['catchUp']>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
  const store = await openStore({ kind: 'embedded', dir });
  try {
    const indexer = await Indexer.rebuild({ source, store, chaincode });
    const started = Date.now();
    const blocks = await indexer.catchUp();
    const seconds = (Date.now() - started) / 1000;
    const [row] = await store.query<{ n: number }>('select count(*)::int as n from transactions');
    const transactions = Number(row?.n ?? 0);
    return { blocks, transactions, seconds: round(seconds), blocksPerS: round(blocks / seconds), transactionsPerS: round(transactions / seconds) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function peerDisk(runDir: string): Record<string, number> {
  const data = join(runDir, 'data');
  if (!existsSync(data)) return {};
  return Object.fromEntries(readdirSync(data).filter((id) => id.startsWith('peer')).map((id) => [id, bytesUnder(join(data, id))]));
}

function bytesUnder(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0) : stat.size;
}

function rssMb(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Math.round(Number(kb) / 1024);
  } catch {
    return 0;
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** One row per level: the figures the scale issue asks for, from the workloads run at each level. */
export function growthTable(growth: readonly GrowthPoint[], results: readonly WorkloadResult[]): { header: string[]; rows: string[][] } {
  const at = (workload: string, level: number): WorkloadResult | undefined => results.find((r) => r.workload === `${workload}@${level}`);
  const header = [
    'donations', 'load s', 'donate tps', 'donate p95 ms', 'spend p95 ms', 'spend conflicts', 'list p95 ms', 'list-index p95 ms',
    'rest-list p95 ms', 'rest-list-index p95 ms', 'rebuild s', 'catch-up blocks/s', 'catch-up tx/s', 'peer disk MB', 'RSS MB',
  ];
  const cell = (n: number | undefined): string => (n === undefined ? '-' : String(n));
  const rows = growth.map((g) => [
    String(g.level), String(Math.round(g.seconds)), cell(at('donate', g.level)?.tps), cell(at('donate', g.level)?.latencyMs.p95),
    cell(at('spend', g.level)?.latencyMs.p95), cell(Object.values(at('spend', g.level)?.failed ?? {}).reduce((a, b) => a + b, 0)),
    cell(at('list', g.level)?.latencyMs.p95), cell(at('list-index', g.level)?.latencyMs.p95), cell(at('rest-list', g.level)?.latencyMs.p95),
    cell(at('rest-list-index', g.level)?.latencyMs.p95), cell(g.catchUp?.seconds), cell(g.catchUp?.blocksPerS), cell(g.catchUp?.transactionsPerS),
    cell(g.diskBytes ? Math.round(Object.values(g.diskBytes).reduce((a, b) => a + b, 0) / 1048576) : undefined),
    g.rssMb ? Object.entries(g.rssMb).map(([k, v]) => `${k} ${v}`).join(', ') : '-',
  ]);
  return { header, rows };
}

/** One growth curve: a metric over the --preload levels, and the file the bench writes it to. */
export interface GrowthChart {
  readonly file: string;
  readonly title: string;
  readonly unit: string;
  readonly points: readonly { level: number; value: number }[];
}

/** The curves of the metrics the scale targets are about (those with at least two levels measured). */
export function growthCharts(growth: readonly GrowthPoint[], results: readonly WorkloadResult[]): GrowthChart[] {
  const metric = (workload: string, pick: (r: WorkloadResult) => number): { level: number; value: number }[] =>
    growth.flatMap((g) => {
      const r = results.find((x) => x.workload === `${workload}@${g.level}`);
      return r ? [{ level: g.level, value: pick(r) }] : [];
    });
  const disk = growth.flatMap((g) => (g.diskBytes ? [{ level: g.level, value: Math.round(Object.values(g.diskBytes).reduce((a, b) => a + b, 0) / 1048576) }] : []));
  const catchUp = growth.flatMap((g) => (g.catchUp ? [{ level: g.level, value: g.catchUp.transactionsPerS }] : []));
  const charts: GrowthChart[] = [
    { file: 'growth-donate-tps.svg', title: 'donate throughput', unit: 'tps', points: metric('donate', (r) => r.tps) },
    { file: 'growth-donate-p95.svg', title: 'donate latency p95', unit: 'ms', points: metric('donate', (r) => r.latencyMs.p95) },
    { file: 'growth-chaincode-list-p95.svg', title: 'chaincode list p95', unit: 'ms', points: metric('list', (r) => r.latencyMs.p95) },
    { file: 'growth-read-model-list-p95.svg', title: 'read-model list p95', unit: 'ms', points: metric('list-index', (r) => r.latencyMs.p95) },
    { file: 'growth-rebuild-tx-per-s.svg', title: 'read-model rebuild', unit: 'transactions/s', points: catchUp },
    { file: 'growth-peer-disk.svg', title: 'peer disk (all peers)', unit: 'MB', points: disk },
  ];
  return charts.filter((c) => c.points.length >= 2);
}

/** A curve as a standalone SVG (log scale of donations): a file of its own, or inline in the HTML report. */
export function growthSvg(chart: GrowthChart): string {
  const { points } = chart;
  const [w, h, pad] = [520, 180, 40];
  const xs = points.map((p) => Math.log10(p.level));
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const maxY = Math.max(1, ...points.map((p) => p.value));
  const x = (level: number): number => pad + ((Math.log10(level) - minX) / Math.max(1e-9, maxX - minX)) * (w - 2 * pad);
  const y = (value: number): number => h - pad + 10 - (value / maxY) * (h - 2 * pad);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.level).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const labels = points.map((p) => `<circle cx="${x(p.level).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="#0b5cad"/>` +
    `<text x="${x(p.level).toFixed(1)}" y="${(y(p.value) - 8).toFixed(1)}" text-anchor="middle">${p.value}</text>` +
    `<text x="${x(p.level).toFixed(1)}" y="${h - 4}" text-anchor="middle">${p.level.toLocaleString('en')}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">` +
    `<title>${chart.title} (${chart.unit}) by donations on the ledger</title><rect width="100%" height="100%" fill="white"/>` +
    `<path d="${path}" fill="none" stroke="#0b5cad" stroke-width="2"/>${labels}</svg>`;
}
