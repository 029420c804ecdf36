// Running a workload for a while and measuring it: latencies, failures by reason, and the CPU
// seconds each process of the network (and this client) spent meanwhile.
import { readFileSync } from 'node:fs';

export type Operation = (worker: number, iteration: number) => Promise<unknown>;

export interface RunOptions {
  readonly durationMs: number;
  /** Workers issuing operations at once (closed loop: each waits for its last to finish). */
  readonly concurrency: number;
  /** Total operations per second to aim for across all workers; 0 = as fast as they go. */
  readonly targetRate: number;
}

export interface ProcessCpu {
  readonly name: string;
  readonly pid: number;
}

export interface WorkloadResult {
  readonly workload: string;
  readonly submitted: number;
  readonly committed: number;
  readonly failed: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly tps: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** CPU seconds per 1,000 successful operations, by process. */
  readonly cpuSecondsPer1000: Readonly<Record<string, number>>;
}

const CLOCK_TICKS = 100; // Linux USER_HZ (getconf CLK_TCK)

/** utime + stime of a process, in seconds; 0 when it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function snapshot(processes: readonly ProcessCpu[]): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const p of processes) cpu.set(p.name, (cpu.get(p.name) ?? 0) + cpuSecondsOf(p.pid));
  const self = process.cpuUsage();
  cpu.set('bench client', (self.user + self.system) / 1e6);
  return cpu;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function runWorkload(name: string, operation: Operation, options: RunOptions, processes: readonly ProcessCpu[]): Promise<WorkloadResult> {
  const latencies: number[] = [];
  const failed: Record<string, number> = {};
  let submitted = 0;
  const before = snapshot(processes);
  const started = performance.now();
  const deadline = started + options.durationMs;
  const interval = options.targetRate > 0 ? (1000 * options.concurrency) / options.targetRate : 0;

  const worker = async (w: number): Promise<void> => {
    for (let i = 0; performance.now() < deadline; i++) {
      const begin = performance.now();
      submitted++;
      try {
        await operation(w, i);
        latencies.push(performance.now() - begin);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const reason = typeof code === 'string' ? code : (err as Error).message.slice(0, 60);
        failed[reason] = (failed[reason] ?? 0) + 1;
      }
      const wait = interval - (performance.now() - begin);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));

  const seconds = (performance.now() - started) / 1000;
  const after = snapshot(processes);
  latencies.sort((a, b) => a - b);
  const committed = latencies.length;
  const cpuSecondsPer1000 = Object.fromEntries(
    [...after].map(([process, cpu]) => [process, committed ? round(((cpu - (before.get(process) ?? 0)) * 1000) / committed, 3) : 0]),
  );
  return {
    workload: name,
    submitted,
    committed,
    failed,
    seconds: round(seconds, 2),
    tps: round(committed / seconds, 1),
    latencyMs: {
      p50: round(percentile(latencies, 50), 1),
      p95: round(percentile(latencies, 95), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(latencies[latencies.length - 1] ?? 0, 1),
    },
    cpuSecondsPer1000,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
