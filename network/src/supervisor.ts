// Self-healing for the local network: a small supervisor process restarts any node that died
// (orderer, peer, CA, chaincode server) the way `up` started it, with exponential backoff, and
// counts the restarts (shown by `status`). Nodes stopped on purpose (`stop <node>`, `down`) are
// not restarted. It is the one-machine equivalent of Managed Blockchain replacing failed peers.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RunPaths } from './paths';
import { runningPid, start, StartSpec, stop } from './processes';

const CHECK_EVERY_MS = 500;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** A node that stayed up this long is healthy again: its backoff starts over. */
const STABLE_AFTER_MS = 30_000;

export function readRestarts(paths: RunPaths): Record<string, number> {
  try {
    return JSON.parse(readFileSync(paths.restarts, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

export function hold(paths: RunPaths, id: string): void {
  mkdirSync(dirname(paths.held(id)), { recursive: true });
  writeFileSync(paths.held(id), '');
}

export function release(paths: RunPaths, id: string): void {
  rmSync(paths.held(id), { force: true });
}

export function isSupervisorRunning(paths: RunPaths): boolean {
  return runningPid(paths.supervisorPid) !== undefined;
}

/** Starts the supervisor of this run directory unless it runs already. */
export function startSupervisor(paths: RunPaths, cliPath: string): void {
  if (isSupervisorRunning(paths)) return;
  mkdirSync(paths.logs, { recursive: true });
  const out = openSync(join(paths.logs, 'supervisor.log'), 'a');
  const child = spawn(process.execPath, [cliPath, 'supervise', '--run-dir', paths.root], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  writeFileSync(paths.supervisorPid, `${child.pid}\n${process.execPath}\n`);
}

export async function stopSupervisor(paths: RunPaths): Promise<void> {
  await stop(paths.supervisorPid);
}

/** The supervisor's loop; runs until it is signalled. */
export async function supervise(paths: RunPaths): Promise<void> {
  const backoff = new Map<string, { next: number; delay: number; startedAt: number }>();
  const restarts = readRestarts(paths);
  let running = true;
  process.once('SIGTERM', () => (running = false));
  process.once('SIGINT', () => (running = false));
  log(`supervising ${paths.root}`);
  while (running) {
    const now = Date.now();
    for (const file of existsSync(paths.specs) ? readdirSync(paths.specs) : []) {
      const id = file.replace(/\.json$/, '');
      if (existsSync(paths.held(id))) continue;
      const spec = JSON.parse(readFileSync(join(paths.specs, file), 'utf8')) as StartSpec;
      const state = backoff.get(id) ?? { next: 0, delay: FIRST_BACKOFF_MS, startedAt: now };
      if (runningPid(spec.pidFile) !== undefined) {
        if (now - state.startedAt > STABLE_AFTER_MS) state.delay = FIRST_BACKOFF_MS;
        backoff.set(id, state);
        continue;
      }
      if (now < state.next) continue;
      try {
        const pid = start(spec);
        restarts[id] = (restarts[id] ?? 0) + 1;
        writeFileSync(paths.restarts, JSON.stringify(restarts, null, 2));
        log(`${id} had stopped; restarted it (pid ${pid}), restart number ${restarts[id]}; next backoff ${state.delay} ms`);
      } catch (err) {
        log(`${id} could not be restarted: ${(err as Error).message}`);
      }
      backoff.set(id, { next: now + state.delay, delay: Math.min(state.delay * 2, MAX_BACKOFF_MS), startedAt: now });
    }
    await new Promise((r) => setTimeout(r, CHECK_EVERY_MS));
  }
  log('supervisor stopped');
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} [supervisor] ${message}\n`);
}
