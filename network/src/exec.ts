// Runs the Fabric command-line tools. A failure becomes an error that names the step and
// carries the tool's own last words, because "exit status 1" helps nobody.
import { spawn, spawnSync } from 'node:child_process';

export class CommandError extends Error {
  constructor(
    readonly step: string,
    readonly output: string,
  ) {
    super(`${step} failed:\n${lastLines(output, 15)}`);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Says what the command does, for the error message. */
  readonly step: string;
  /** The Unix user to run as (a site's, see site-users.ts siteAdmin); the caller's own without it. */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** How `run` spawns: the caller's environment with the command's own over it, as `options.user` if given. */
export function spawnOptions(options: RunOptions): { env: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number } {
  return {
    env: { ...process.env, ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  };
}

/** Runs a command to completion and returns its stdout; throws CommandError on failure. */
export function run(command: string, args: readonly string[], options: RunOptions): string {
  const result = spawnSync(command, args, {
    ...spawnOptions(options),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new CommandError(options.step, `${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new CommandError(options.step, `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  }
  return result.stdout;
}

/**
 * `run` without blocking the event loop: commands of independent sites (each its own CA, its own
 * user, its own folder) can then run side by side.
 */
export function runAsync(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions(options), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (err) => reject(new CommandError(options.step, `${command}: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new CommandError(options.step, `${stdout}\n${stderr}`));
    });
  });
}

export function lastLines(text: string, count: number): string {
  return text
    .trim()
    .split('\n')
    .slice(-count)
    .map((l) => `    ${l}`)
    .join('\n');
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * Retries `attempt` until it succeeds or `timeoutMs` passes; the last error is rethrown, and so
 * is at once an error that `isTransient` says waiting cannot fix.
 */
export async function retry<T>(
  timeoutMs: number, intervalMs: number, attempt: () => T | Promise<T>, isTransient: (err: unknown) => boolean = () => true,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() + intervalMs > deadline || !isTransient(err)) throw err;
      await sleep(intervalMs);
    }
  }
}

export function log(message: string): void {
  process.stderr.write(`[network] ${message}\n`);
}
