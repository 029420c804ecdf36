// Shared by the integration tests: where the test network lives and how to reach it. The test
// network has its own run directory and shifted ports, so it never touches a network started
// with `npm start` on the same machine.
import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlockSource, Committed, connect, ConnectOptions, DonateRequest, Donation, LedgerClient, SettlementBatch } from '@donation-ledger/client';
import { clientProfile, DEFAULT_TOPOLOGY, loadTopology, REPO_ROOT, RunPaths, Topology } from '@donation-ledger/network';

// Overridable so that two suites can run side by side on one machine (other ports, other folder).
export const TEST_RUN_DIR = process.env.LEDGER_TEST_RUN_DIR ?? join(REPO_ROOT, 'test-artifacts', 'network');
export const PORT_OFFSET = Number(process.env.LEDGER_TEST_PORT_OFFSET ?? 1000);
export const CLI = join(REPO_ROOT, 'network', 'dist', 'cli.js');
/** The connection profile the test network's `up` wrote for the org. */
export const siteProfile = (org: string): string => new RunPaths(TEST_RUN_DIR).profile(org);
export const NETWORK_ARGS = ['--run-dir', TEST_RUN_DIR, '--port-offset', String(PORT_OFFSET)];

export const topology = (): Topology => loadTopology(DEFAULT_TOPOLOGY, PORT_OFFSET);
export const paths = (): RunPaths => new RunPaths(TEST_RUN_DIR);

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the network CLI; `inherit` streams its progress to the test output. */
export function cli(args: readonly string[], options: { inherit?: boolean; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : 'pipe',
    env: { ...process.env, ...options.env },
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Connects as `user` of `org`, through that org's peers first. */
export function connectAs(org: string, user: string, options: Partial<ConnectOptions> = {}): Promise<LedgerClient> {
  return connect({ ...clientProfile(topology(), paths(), org, user), ...options });
}

/** IDs unique to this test run, so reruns against a kept network do not collide. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Registers an NGO unless it exists (the NGO IDs in the topology's staff attributes are fixed). */
export async function ensureNgo(admin: LedgerClient, id: string, name = `NGO ${id}`): Promise<void> {
  await admin.registerNgo({ id, name }).catch((err: unknown) => {
    if ((err as { code?: string }).code !== 'ALREADY_EXISTS') throw err;
  });
}

/** The payment service of the test network: the donor platform's user with role=payments. */
export const connectPayments = (): Promise<LedgerClient> => connectAs('donorplatform', 'payments1');

/**
 * Settles pledges as the payment service does when their money has arrived: in one batch (one
 * transaction) under a fresh batch ID, each with a payment reference derived from its donation ID.
 */
export function settle(payments: LedgerClient, donationIds: readonly string[]): Promise<Committed<SettlementBatch>> {
  return payments.settleDonations({ batchId: uniqueId('batch'), settlements: donationIds.map((donationId) => ({ donationId, paymentRef: `psp-${donationId}` })) });
}

/**
 * Gives money: `donor` pledges, then `payments` settles the pledge. Returns the settled donation
 * (read back through the donor's peer, which both writes went through).
 */
export async function give(donor: LedgerClient, payments: LedgerClient, request: DonateRequest): Promise<Donation> {
  const { result: pledge } = await donor.donate(request);
  // The donate returned once the donor platform's peer committed it; the other endorsing peer of
  // the settlement may be a block behind (seen in CI on a loaded machine): asked again, briefly.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await settle(payments, [pledge.id]);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'NOT_FOUND' || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return donor.readDonation(pledge.id);
}

/** Runs `action` with a client, which is closed afterwards whatever happened. */
export async function using<T>(client: Promise<LedgerClient>, action: (c: LedgerClient) => Promise<T>): Promise<T> {
  const c = await client;
  try {
    return await action(c);
  } finally {
    c.close();
  }
}

/** A campaign window open now: from an hour ago to a day from now. */
export function openWindow(): { opensAt: string; closesAt: string } {
  const now = Date.now();
  return { opensAt: new Date(now - 3_600_000).toISOString(), closesAt: new Date(now + 86_400_000).toISOString() };
}

/** The error code a promise rejects with, or 'OK' when it resolves. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** The certificate and key of an enrolled identity of the test network, to sign forged blocks with. */
export function credentialOf(org: string, name: string, mspId: string): { mspId: string; certificate: string; key: ReturnType<typeof createPrivateKey> } {
  const msp = paths().msp(org, name);
  return {
    mspId,
    certificate: readFileSync(join(msp, 'signcerts', 'cert.pem'), 'utf8'),
    key: createPrivateKey(readFileSync(join(msp, 'keystore', 'key.pem'))),
  };
}

/** A copy of a channel's blocks (perhaps tampered with) as a block source. */
export function memoryBlockSource(blocks: readonly Uint8Array[], channel = 'donations'): BlockSource {
  return { channel, height: () => Promise.resolve(blocks.length), block: (n) => Promise.resolve(blocks[n]!) };
}

/**
 * Open-loop load: calls `send` every `everyMs`, whatever happened to the earlier calls; stop()
 * ends the timer and waits for the calls in flight.
 */
export function openLoop(everyMs: number, send: () => Promise<unknown>): { stop: () => Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    const call = send();
    pending.add(call);
    void call.finally(() => pending.delete(call));
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...pending]);
    },
  };
}

/** Starts a suite's own network from nothing (clean, then up); stops what came up if up fails. */
export function startOwnNetwork(args: readonly string[], label: string): void {
  if (cli(['clean', ...args]).status !== 0) throw new Error(`could not clean the ${label} test network`);
  const started = Date.now();
  const up = cli(['up', ...args], { inherit: true });
  if (up.status !== 0) {
    cli(['down', ...args]);
    throw new Error(`the ${label} test network did not come up; see the [network] lines above`);
  }
  process.stderr.write(`[${label}] network up in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}

/** One submit of a load test: when it started and got its answer, and whether it succeeded. */
export interface TimedSubmit {
  readonly startedAt: number;
  readonly doneAt: number;
  readonly ok: boolean;
}

/**
 * How a load of submits lived through a fault at `faultAt`, in the words the suites report:
 * when the first submit started after the fault committed, how many stalled (answered after
 * over 2 s, against ~0.3 s here normally) and from when on every submit was prompt again.
 */
export function recoveryAfter(faultAt: number, submits: readonly TimedSubmit[]): { promptAgainMs: number; summary: string } {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
  const after = submits.filter((s) => s.doneAt > faultAt);
  const stalled = after.filter((s) => s.ok && s.doneAt - s.startedAt > 2000);
  const promptAgainAt = Math.max(faultAt, ...stalled.map((s) => s.doneAt), ...after.filter((s) => !s.ok).map((s) => s.doneAt));
  const firstCommit = Math.min(...after.filter((s) => s.ok && s.startedAt > faultAt).map((s) => s.doneAt));
  const slowest = Math.max(0, ...after.filter((s) => s.ok).map((s) => s.doneAt - s.startedAt));
  return {
    promptAgainMs: promptAgainAt - faultAt,
    summary: `first submit started after the fault committed ${seconds(firstCommit - faultAt)} after it; ${stalled.length} submits stalled ` +
      `(slowest ${seconds(slowest)}), ${after.filter((s) => !s.ok).length} failed; every submit prompt again ${seconds(promptAgainAt - faultAt)} after the fault`,
  };
}

/** Polls `check` every 250 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(1)}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Swaps the Fabric binaries recorded for the network of `at` for wrappers that write `<user>
 * <tool> <arg1> <arg2>` to a log, then run the real tool (Fabric's config folder beside them is
 * the real one's); `restore` puts the real ones back. Who ran each command is seen, not assumed.
 */
export function wrapFabricTools(at: RunPaths): { calls(): string[]; restore(): void } {
  const file = at.binDirFile;
  const real = readFileSync(file, 'utf8').trim();
  const dir = mkdtempSync(join(tmpdir(), 'fabric-wrapped-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const folder of [dir, bin]) chmodSync(folder, 0o755); // site users must reach the wrappers
  symlinkSync(join(dirname(real), 'config'), join(dir, 'config'));
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  for (const tool of readdirSync(real)) {
    // exec -a keeps the wrapper's path in the command line, where the network finds the nodes it started (processes.ts isOurs).
    writeFileSync(join(bin, tool), `#!/bin/bash\necho "$(id -un) ${tool} $1 $2" >> '${log}'\nexec -a "$0" '${join(real, tool)}' "$@"\n`, { mode: 0o755 });
  }
  writeFileSync(file, `${bin}\n`);
  return {
    calls: () => readFileSync(log, 'utf8').split('\n').filter((line) => line !== ''),
    restore: () => {
      writeFileSync(file, `${real}\n`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The name of the Unix user a process runs as (its real UID, from /proc). */
export function unixUserOf(pid: number | undefined): string {
  const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1];
  return spawnSync('getent', ['passwd', uid ?? 'none'], { encoding: 'utf8' }).stdout.split(':')[0] ?? '';
}
