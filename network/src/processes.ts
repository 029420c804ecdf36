// Starts the network's long-running nodes as plain background processes and stops exactly
// those: each start writes a PID file, and a stop only signals a PID whose command line still
// names the binary we started (a PID can be reused by an unrelated process after a reboot).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sleep } from './exec';

export interface StartSpec {
  readonly id: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly logFile: string;
  readonly pidFile: string;
  /** Where to record this spec, for the supervisor (see supervisor.ts). */
  readonly specFile?: string;
  /** The site's Unix user to run as (see site-users.ts); the caller's own without it. */
  readonly user?: { readonly uid: number; readonly gid: number };
}

export function start(spec: StartSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    env: { ...process.env, ...spec.env },
    cwd: spec.cwd,
    detached: true, // its own process group: it outlives this script and a Ctrl-C here
    stdio: ['ignore', out, out],
    ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.id} (${spec.command})`);
  child.unref();
  writeFileSync(spec.pidFile, `${child.pid}\n${spec.command}\n`);
  recordSpec(spec);
  return child.pid;
}

/** Keeps how a node is started, for the supervisor; also for nodes already running. */
export function recordSpec(spec: StartSpec): void {
  if (!spec.specFile) return;
  mkdirSync(dirname(spec.specFile), { recursive: true });
  writeFileSync(spec.specFile, JSON.stringify(spec, null, 2), { mode: 0o600 }); // env names key files
}

interface PidRecord {
  readonly pid: number;
  readonly command: string;
}

function readPidFile(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  const [pid, command] = readFileSync(pidFile, 'utf8').split('\n');
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 && command ? { pid: n, command } : undefined;
}

function isOurs(record: PidRecord): boolean {
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    return cmdline.split('\0').includes(record.command);
  } catch {
    return false;
  }
}

/** The PID of the process behind a PID file if it is still the one we started. */
export function runningPid(pidFile: string): number | undefined {
  const record = readPidFile(pidFile);
  return record && isOurs(record) ? record.pid : undefined;
}

/** The binary the process behind a PID file was started from, if it is still the one we started. */
export function runningCommand(pidFile: string): string | undefined {
  const record = readPidFile(pidFile);
  return record && isOurs(record) ? record.command : undefined;
}

/** Stops the process of a PID file (TERM, then KILL after `graceMs`) and removes the file. */
export async function stop(pidFile: string, graceMs = 10_000): Promise<boolean> {
  const record = readPidFile(pidFile);
  if (!record || !isOurs(record)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  signal(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isOurs(record) && Date.now() < deadline) await sleep(100);
  if (isOurs(record)) signal(record.pid, 'SIGKILL');
  while (isOurs(record)) await sleep(50);
  // Its command line empties when its memory is released, before its sockets are closed: wait
  // until it is gone (or a zombie), so that a node started next can bind its ports.
  for (const deadline = Date.now() + 5_000; isExiting(record.pid) && Date.now() < deadline; ) await sleep(50);
  rmSync(pidFile, { force: true });
  return true;
}

/** Whether the process still exists and has not finished exiting (not a zombie). */
function isExiting(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
