// Rolling Fabric upgrade under load: the suite brings up its own network on Fabric 3.1.0 (its own
// folder and ports, beside the main test network, which runs 3.1.1), upgrades every orderer and
// peer to 3.1.1 one at a time with `upgrade --to` while donors keep pledging, and checks that every
// acknowledged donation is on the ledger afterwards. The network is stopped whatever happened.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, ConnectOptions, LedgerClient, LedgerError } from '@donation-ledger/client';
import { clientProfile, endpoint, loadEffectiveTopology, ordererNodes, REPO_ROOT, RunPaths, Topology, UpgradeReport } from '@donation-ledger/network';
import { cli, CLI, CliResult, openLoop, startOwnNetwork, uniqueId } from './harness';

const RUN_DIR = process.env.LEDGER_UPGRADE_RUN_DIR ?? join(REPO_ROOT, 'test-artifacts', 'network-upgrade');
// 4000: clear of the suite's network (1000), governance's (2000) and BFT's (3000).
const OFFSET = Number(process.env.LEDGER_UPGRADE_PORT_OFFSET ?? 4000);
const ARGS = ['--run-dir', RUN_DIR, '--port-offset', String(OFFSET)];
const FROM = '3.1.0';
const TO = '3.1.1';
const CLIENTS = 3;
/** 4 pledges a second: about what this network commits on a shared 2-core machine with room to spare. */
const PLEDGE_EVERY_MS = 250;

const paths = new RunPaths(RUN_DIR);
const topology = (): Topology => loadEffectiveTopology(join(REPO_ROOT, 'network', 'topology.json'), paths, OFFSET);
const as = (org: string, user: string, options: Partial<ConnectOptions> = {}): Promise<LedgerClient> => connect({ ...clientProfile(topology(), paths, org, user), ...options });
/**
 * A transaction the Raft leader took but had not ordered when it stopped is lost (never
 * committed); its client learns that only when the commit-status wait and the status recovery
 * end (60 s each by default, measured ~70 s here). The load's clients give up on it after 10 s +
 * 5 s and retry the same donation ID, so that the load stays steady through the upgrade.
 */
const LOAD_DEADLINES = { commitStatusMs: 10_000, statusRecoveryMs: 5_000 };
const network = (...args: string[]): CliResult => cli([...args, ...ARGS]);
const report = (line: string): void => void process.stderr.write(`[rolling-upgrade] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The CLI without blocking the event loop (spawnSync would stall the load), its progress streamed. */
function networkAsync(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

interface FabricNode {
  readonly id: string;
  readonly operations: string;
}

const fabricNodes = (): FabricNode[] => {
  const t = topology();
  return [
    ...ordererNodes(t).map((n) => ({ id: n.id, operations: endpoint(t, n.operationsPort) })),
    ...t.orgs.flatMap((o) => o.peers.map((p) => ({ id: `${p.name}.${o.name}`, operations: endpoint(t, p.operationsPort) }))),
  ];
};

/** What the running process says on its operations endpoint (/version). */
async function reportedVersion(node: FabricNode): Promise<string> {
  const res = await fetch(`http://${node.operations}/version`);
  return ((await res.json()) as { Version: string }).Version;
}

/** `<binary> version` of the binary the node's process was started from (its PID file names it). */
function runningBinaryVersion(id: string): string {
  const command = readFileSync(paths.pid(id), 'utf8').split('\n')[1] ?? '';
  const out = spawnSync(command, ['version'], { encoding: 'utf8' }).stdout ?? '';
  return /^\s*Version:\s*(\S+)/m.exec(out)?.[1] ?? `(none from ${command})`;
}

/** Every process of the network (CAs, orderers, peers, chaincode servers) and its PID. */
function pids(): Record<string, string> {
  return Object.fromEntries(readdirSync(paths.pids).filter((f) => f.endsWith('.pid')).map((f) => [f.slice(0, -4), readFileSync(paths.pid(f.slice(0, -4)), 'utf8')]));
}

/** The supervisor's restart counts (none yet: no file). */
const restarts = (): string => {
  try {
    return readFileSync(paths.restarts, 'utf8');
  } catch {
    return '{}';
  }
};

beforeAll(() => startOwnNetwork([...ARGS, '--fabric', FROM], 'rolling-upgrade'), 600_000);

afterAll(() => {
  cli(['down', ...ARGS], { inherit: true });
});

describe(`rolling Fabric upgrade ${FROM} -> ${TO}`, () => {
  let ngoAdmin: LedgerClient;
  const ngoId = uniqueId('ngo');

  beforeAll(async () => {
    ngoAdmin = await as('ngo', 'ngoadmin1');
    await ngoAdmin.registerNgo({ id: ngoId, name: 'Upgrade Relief' });
  }, 120_000);

  afterAll(() => ngoAdmin?.close());

  test(`the network came up on Fabric ${FROM} as asked, recorded in launch.json and in every node's start spec`, async () => {
    expect(JSON.parse(readFileSync(paths.launch, 'utf8'))).toMatchObject({ fabric: FROM });
    const nodes = fabricNodes();
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      expect([node.id, await reportedVersion(node), runningBinaryVersion(node.id)]).toEqual([node.id, FROM, FROM]);
      expect((JSON.parse(readFileSync(paths.spec(node.id), 'utf8')) as { command: string }).command).toContain(`/fabric-${FROM}-`);
    }
  });

  test('with a node down, the upgrade is refused naming it, and no other node is stopped or restarted', () => {
    expect(network('stop', 'peer0.ngo').status).toBe(0);
    try {
      const before = pids();
      const refused = network('upgrade', '--to', TO);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/peer0\.ngo is down: a rolling upgrade starts only from a whole network .*nothing was changed/);
      expect(pids()).toEqual(before);
      expect(runningBinaryVersion('orderer0.donorplatform')).toBe(FROM);
    } finally {
      expect(network('up').status).toBe(0);
    }
    expect(runningBinaryVersion('peer0.ngo')).toBe(FROM); // up keeps the network's release
  }, 180_000);

  describe('under a steady donation load', () => {
    /** Every donation a submit acknowledged (or that a retry found already written), and how. */
    const acknowledged = new Map<string, { amount: number; attempts: number; latencyMs: number; sinceFirstMs: number; doneAt: number; viaAlreadyExists: boolean }>();
    /** Each failed attempt (the donation was then retried with the same ID). */
    const failedAttempts: { code: string; at: number; tookMs: number }[] = [];
    const gaveUp: string[] = [];

    /** One pledge, retried with the same ID (idempotent) until acknowledged; every 500 ms, for up to a minute. */
    async function pledge(client: LedgerClient): Promise<void> {
      const id = uniqueId('don');
      const amount = 1 + Math.floor(Math.random() * 100);
      const firstAt = Date.now();
      for (let attempt = 1; attempt <= 120; attempt++) {
        const startedAt = Date.now();
        try {
          await client.donate({ id, ngoId, amount, currency: 'EUR' });
          acknowledged.set(id, { amount, attempts: attempt, latencyMs: Date.now() - startedAt, sinceFirstMs: Date.now() - firstAt, doneAt: Date.now(), viaAlreadyExists: false });
          return;
        } catch (err) {
          const code = err instanceof LedgerError ? err.code : `untyped: ${String(err)}`;
          // An earlier attempt was committed after all: the donation is on the ledger.
          if (attempt > 1 && code === 'ALREADY_EXISTS') {
            acknowledged.set(id, { amount, attempts: attempt, latencyMs: Date.now() - startedAt, sinceFirstMs: Date.now() - firstAt, doneAt: Date.now(), viaAlreadyExists: true });
            return;
          }
          failedAttempts.push({ code, at: Date.now(), tookMs: Date.now() - startedAt });
          await sleep(500);
        }
      }
      gaveUp.push(id);
    }

    test(`upgrade --to ${TO} takes every orderer, then every peer, to ${TO} one at a time, and every acknowledged donation is on the ledger`, async () => {
      const donors = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => as('donorplatform', i % 2 === 0 ? 'donor1' : 'donor2', { deadlines: LOAD_DEADLINES })));
      // Open loop: a pledge every PLEDGE_EVERY_MS, round the clients, whatever became of the
      // earlier ones, so that a client waiting on a lost transaction does not thin the load.
      let next = 0;
      const load = openLoop(PLEDGE_EVERY_MS, () => pledge(donors[next++ % donors.length]!));
      let upgrade: CliResult | undefined;
      let upgradeStarted = 0;
      let upgradeEnded = 0;
      try {
        await sleep(3000);
        expect(acknowledged.size).toBeGreaterThan(0); // the load runs before the upgrade starts
        upgradeStarted = Date.now();
        upgrade = await networkAsync('upgrade', '--to', TO);
        upgradeEnded = Date.now();
        await sleep(3000);
      } finally {
        await load.stop();
        donors.forEach((d) => d.close());
      }
      expect(upgrade?.stderr).not.toMatch(/ERROR/);
      expect(upgrade?.status).toBe(0);
      const result = JSON.parse(upgrade?.stdout ?? '') as UpgradeReport;

      // Every orderer (the Raft leader last, whichever it was), then every peer, each once; every
      // node runs the new release, as the process itself says (/version) and as its binary says
      // (`version`), and restarts on it (its spec).
      const order = result.upgraded.map((n) => n.id);
      const orderers = ordererNodes(topology()).map((n) => n.id);
      expect([...order.slice(0, orderers.length)].sort()).toEqual([...orderers].sort());
      expect(order.slice(orderers.length)).toEqual(fabricNodes().map((n) => n.id).slice(orderers.length));
      expect(result.upgraded.every((n) => n.from === FROM && n.to === TO)).toBe(true);
      for (const node of fabricNodes()) {
        expect([node.id, await reportedVersion(node), runningBinaryVersion(node.id)]).toEqual([node.id, TO, TO]);
        expect((JSON.parse(readFileSync(paths.spec(node.id), 'utf8')) as { command: string }).command).toContain(`/fabric-${TO}-`);
      }
      expect(JSON.parse(readFileSync(paths.launch, 'utf8'))).toMatchObject({ fabric: TO });

      // Nothing acknowledged is lost: every acknowledged donation is found, with its amount.
      const during = [...acknowledged.values()].filter((a) => a.doneAt >= upgradeStarted && a.doneAt <= upgradeEnded);
      expect(during.length).toBeGreaterThan(0); // the load went on during the upgrade
      let found = 0;
      for (const [id, { amount }] of acknowledged) {
        const donation = await ngoAdmin.readDonation(id);
        expect([id, donation.amount]).toEqual([id, String(amount)]);
        found++;
      }
      expect(found).toBe(acknowledged.size);
      expect(failedAttempts.filter((f) => f.code.startsWith('untyped'))).toEqual([]);

      const p95 = (values: number[]): number => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))] ?? 0;
      const upgradeSeconds = (upgradeEnded - upgradeStarted) / 1000;
      const byCode = failedAttempts.reduce<Record<string, number>>((m, f) => ((m[f.code] = (m[f.code] ?? 0) + 1), m), {});
      const blocked = (failedAttempts.reduce((sum, f) => sum + f.tookMs, 0) / 1000).toFixed(1);
      report(`upgrade took ${upgradeSeconds.toFixed(1)}s: ` +
        result.upgraded.map((n) => `${n.id} ${n.seconds.toFixed(1)}s (healthy ${n.healthySeconds.toFixed(1)}s)`).join(', '));
      report(`load (${CLIENTS} clients, a pledge every ${PLEDGE_EVERY_MS} ms): ${acknowledged.size} donations acknowledged, ${found} found on the ledger; ${during.length} acknowledged during the upgrade ` +
        `(${(during.length / upgradeSeconds).toFixed(1)}/s; p95 latency ${p95(during.map((a) => a.latencyMs))} ms per successful submit, ` +
        `${p95(during.map((a) => a.sinceFirstMs))} ms from first attempt to acknowledgement); ${failedAttempts.length} failed attempts retried ${JSON.stringify(byCode)} (${blocked}s spent in them); ` +
        `${[...acknowledged.values()].filter((a) => a.attempts > 1).length} donations needed a retry (${[...acknowledged.values()].filter((a) => a.viaAlreadyExists).length} found already written); ${gaveUp.length} given up`);
      expect(gaveUp).toEqual([]);
    }, 600_000);
  });

  test(`an upgrade to an older release (${FROM}) or to the one that runs (${TO}) is refused, and no node restarts`, () => {
    const before = { pids: pids(), restarts: restarts() };
    const older = network('upgrade', '--to', FROM);
    expect(older.status).toBe(2);
    expect(older.stderr).toMatch(new RegExp(`Fabric ${FROM.replace(/\./g, '\\.')} is older than what runs .*never takes a node back; nothing was changed`));
    const same = network('upgrade', '--to', TO);
    expect(same.status).toBe(2);
    expect(same.stderr).toMatch(/every node already runs Fabric 3\.1\.1: the target is not newer than what runs; nothing was changed/);
    expect({ pids: pids(), restarts: restarts() }).toEqual(before);
    expect(JSON.parse(readFileSync(paths.launch, 'utf8'))).toMatchObject({ fabric: TO });
  }, 60_000);
});
