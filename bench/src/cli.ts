#!/usr/bin/env node
// npm run bench: workloads side by side against the running network (npm start), through the SDK
// and, separately, through the REST API. Prints a table, writes JSON and an HTML chart.
import * as grpc from '@grpc/grpc-js';
import { connect as connectGateway, Contract, hash } from '@hyperledger/fabric-gateway';
import { connect, LedgerClient, loadProfile, messageSigner, profileConnection, profilePath, REPOSITORY_RUN_DIR, SiteProfile } from '@donation-ledger/client';
import { ReadModelService, startReadModel, StoreConfig } from '@donation-ledger/indexer';
import { BaselineTransaction } from '@donation-ledger/model';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Operation, ProcessCpu, runWorkload, WorkloadResult } from './measure';
import { htmlReport, textReport } from './report';
import { GrowthPoint, growthCharts, growthSvg, measureAtLevel } from './growth';
import { preload } from './preload';
import { fillPool, trickle } from './spend-pools';

const WORKLOADS = ['baseline', 'donate', 'settle', 'settle-batch', 'spend', 'read', 'list', 'list-index', 'rest', 'rest-list', 'rest-list-index'] as const;
/** Pledges one settle-batch operation settles in one transaction. */
const SETTLEMENT_BATCH = 50;
type Workload = (typeof WORKLOADS)[number];

/** The repository root (this file is bench/src/cli.ts or bench/dist/cli.js). */
const REPO_ROOT = resolve(__dirname, '..', '..');

interface Options {
  durationS: number;
  concurrency: number;
  clients: number;
  rate: number;
  workloads: Workload[];
  out: string;
  runDir: string;
  /** Pool sizes to measure spend latency at (none unless asked: filling 10^4 takes minutes). */
  spendPools: number[];
  /**
   * Loaded, settled donations the ledger must hold before the workloads run (the loader); with
   * several levels, the workloads run at each, and the report gets growth curves.
   */
  preload: number[];
}

const USAGE = `usage: npm run bench -- [options]
  --duration S      seconds per workload (default 15)
  --concurrency N   operations in flight at once (default 32)
  --clients N       gRPC connections the SDK workloads spread over (default 4)
  --rate R          target operations per second (default 0: as fast as they go)
  --workloads LIST  comma-separated, from ${WORKLOADS.join(',')} (default: all;
                    none: only --preload or --spend-pools)
  --out DIR         where to write the JSON and HTML report (default bench-results)
  --preload N[,N]   first make the ledger hold N loaded donations (pledged and settled through the
                    normal transactions, 500 to a settlement; resumable: run it again after a
                    kill and it goes on where the ledger stands); with --workloads none, only
                    load. Several levels (e.g. 1000,10000,100000): the workloads run at each,
                    with catch-up, disk and memory figures, and the report draws growth curves
  --spend-pools N,N spend latency and conflicts with a campaign pool of N settled donations each
                    (e.g. 100,10000; none by default: filling a pool of 10,000 takes minutes)
  --run-dir DIR     the network to use: its orgs' connection profiles (orgs/<org>/profile.json)
                    and its nodes' PID files (pids/), for their CPU (default: the one npm start runs,
                    whatever its topology)
environment:
  BENCH_READ_MODEL_URL  a PostgreSQL database for the list-index workload's read model (default:
                    an embedded PGlite store in a temporary folder); a URL may hold a password, so
                    it is read from the environment, never from the command line`;

function parseArgs(argv: string[]): Options {
  const o: Options = { durationS: 15, concurrency: 32, clients: 4, rate: 0, workloads: [...WORKLOADS], out: join(REPO_ROOT, 'bench-results'), runDir: REPOSITORY_RUN_DIR, spendPools: [], preload: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    const positive = (v: string, name: string, min = 1): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}, got "${v}"`);
      return n;
    };
    if (arg === '--duration') o.durationS = positive(value(), '--duration');
    else if (arg === '--concurrency') o.concurrency = positive(value(), '--concurrency');
    else if (arg === '--clients') o.clients = positive(value(), '--clients');
    else if (arg === '--rate') o.rate = positive(value(), '--rate', 0);
    else if (arg === '--workloads') {
      const text = value();
      const list = text === 'none' ? [] : text.split(',');
      const unknown = list.filter((w) => !(WORKLOADS as readonly string[]).includes(w));
      if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}; choose from ${WORKLOADS.join(', ')}`);
      o.workloads = list as Workload[];
    } else if (arg === '--out') o.out = value();
    else if (arg === '--run-dir') o.runDir = value();
    else if (arg === '--spend-pools') o.spendPools = value().split(',').map((v) => positive(v, '--spend-pools'));
    else if (arg === '--preload') {
      o.preload = value().split(',').map((v) => positive(v, '--preload'));
      if (o.preload.some((n, i) => i > 0 && n <= (o.preload[i - 1] ?? 0))) throw new Error('--preload levels must grow, e.g. 1000,10000,100000');
    }
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return o;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The network's processes, from the PID files `up` wrote. */
function networkProcesses(pids: string): ProcessCpu[] {
  return readdirSync(pids)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => ({ name: f.slice(0, -4), pid: Number(readFileSync(join(pids, f), 'utf8').split('\n')[0]) }));
}

/** The chaincode the baseline workload calls: the Baseline contract alone, never in the ledger's. */
const BENCH_CHAINCODE = 'bench';

/**
 * Deploys the bench's chaincode beside the ledger's with the network's own command (a no-op once
 * it is there): the admins of the network's orgs approve it, as for any chaincode.
 */
function deployBenchChaincode(runDir: string): void {
  log(`deploying chaincode ${BENCH_CHAINCODE} (the Baseline contract) on the network in ${runDir}`);
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'network', 'dist', 'cli.js'), 'deploy', 'bench', '--run-dir', runDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`could not deploy chaincode ${BENCH_CHAINCODE} (exit ${String(result.status ?? result.signal)}); see the output above`);
}

/** The raw gateway, for the baseline contract (outside the SDK's donation methods on purpose). */
function baselineContract(site: SiteProfile): { contract: Contract; close: () => void } {
  const profile = profileConnection(site, 'donor1');
  const gw = profile.gateways[0];
  if (!gw) throw new Error('no gateway');
  if ('certificate' in profile.identity) throw new Error('the profile names identity files');
  const client = new grpc.Client(gw.endpoint, grpc.credentials.createSsl(readFileSync(gw.tlsRootCertPath)), {
    'grpc.ssl_target_name_override': gw.hostnameOverride, 'grpc.default_authority': gw.hostnameOverride,
  });
  const gateway = connectGateway({
    client, hash: hash.none, // the SDK's native signer hashes and signs, as in every other workload
    identity: { mspId: profile.mspId, credentials: readFileSync(profile.identity.certificatePath) },
    signer: messageSigner(createPrivateKey(readFileSync(profile.identity.privateKeyPath))),
  });
  return { contract: gateway.getNetwork(site.channel).getContract(BENCH_CHAINCODE), close: () => { gateway.close(); client.close(); } };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function httpJson(agent: Agent, port: number, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: {
      ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The REST API as its own process (so its CPU counts separately), signed up as a bench donor. */
/** Where the list-index workload keeps its read model: BENCH_READ_MODEL_URL's PostgreSQL database, else a new embedded store. */
function benchReadModelStore(log: (m: string) => void): StoreConfig {
  const url = process.env.BENCH_READ_MODEL_URL;
  if (url) {
    log('list-index: the read model is on the PostgreSQL server of BENCH_READ_MODEL_URL');
    return { kind: 'postgresql', url };
  }
  return { kind: 'embedded', dir: mkdtempSync(join(tmpdir(), 'bench-read-model-')) };
}

async function startRestApi(o: Options): Promise<{ child: ChildProcess; port: number; token: string; agent: Agent; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'packages', 'api', 'dist', 'main.js')], {
    env: { ...process.env, LEDGER_PROFILE: profilePath('donorplatform', o.runDir), PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // However the bench ends (an error included), the API and the read model it indexes go with it.
  process.once('exit', () => child.kill('SIGTERM'));
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  for (let i = 0; ; i++) {
    const ready = await httpJson(agent, port, 'GET', '/health/ready').catch(() => ({ status: 0 }));
    if (ready.status === 200) break;
    if (i > 600) throw new Error('the REST API did not become ready in 5 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  const username = `bench-${randomUUID().slice(0, 8)}`;
  const signedUp = await httpJson(agent, port, 'POST', '/api/accounts', { username, password: 'bench-password-1', name: 'Bench', email: 'bench@example.org' });
  if (signedUp.status !== 201) throw new Error(`bench sign-up failed: ${JSON.stringify(signedUp.body)}`);
  return { child, port, agent, dataDir, token: (signedUp.body as { token: string }).token };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const pids = join(o.runDir, 'pids');
  if (!existsSync(pids)) throw new Error(`no running network in ${o.runDir}: start it with "npm start" first`);
  if (o.workloads.includes('baseline')) deployBenchChaincode(o.runDir);
  // Read after the deployment, so that the bench's chaincode servers are measured too.
  const processes = networkProcesses(pids);
  log(`workloads ${o.workloads.join(', ')}; ${o.durationS}s each, concurrency ${o.concurrency}, ${o.clients} client connections${o.rate ? `, target ${o.rate}/s` : ''}`);

  // As the orgs' applications do: through each org's connection profile.
  const profileOf = (org: string): SiteProfile => loadProfile(profilePath(org, o.runDir));
  const as = (org: string, user: string): Promise<LedgerClient> => connect(profileConnection(profileOf(org), user));
  const admin = await as('ngo', 'ngoadmin1');
  const benchNgo = `bench-${randomUUID().slice(0, 8)}`;
  await admin.registerNgo({ id: benchNgo, name: 'Benchmark NGO' });
  await admin.registerNgo({ id: 'ngo-1', name: 'NGO 1' }).catch(() => undefined); // staff1 works for ngo-1
  const donors = await Promise.all(Array.from({ length: o.clients }, (_, i) => as('donorplatform', i % 2 ? 'donor2' : 'donor1')));
  const staff = await Promise.all(Array.from({ length: Math.min(o.clients, 4) }, () => as('ngo', 'staff1')));
  const donated: string[] = [];
  const runId = `${Date.now().toString(36)}`;
  const options = { durationMs: o.durationS * 1000, concurrency: o.concurrency, targetRate: o.rate };
  const results: WorkloadResult[] = [];
  let payments: LedgerClient | undefined;
  const growth: GrowthPoint[] = [];
  const pick = <T>(list: readonly T[], w: number): T => list[w % list.length] as T;

  // One REST API process serves the rest* workloads; its read model indexes from genesis first.
  let restApi: Awaited<ReturnType<typeof startRestApi>> | undefined;
  const rest = async (): Promise<NonNullable<typeof restApi>> => {
    if (!restApi) {
      log('starting a REST API process for the rest workloads');
      restApi = await startRestApi(o);
    }
    return restApi;
  };
  let readModel: ReadModelService | undefined;

  // Without --preload, one pass at the ledger as it is; with it, one pass per level.
  for (const level of o.preload.length > 0 ? o.preload : [undefined]) {
    const at = level === undefined || o.preload.length < 2 ? '' : `@${level}`;
    // IDs of what the workloads write: new at each level.
    const run = level === undefined ? runId : `${runId}-${level}`;
    if (level !== undefined) {
      payments ??= await as('donorplatform', 'payments1');
      log(`preload: making the ledger hold ${level} loaded donations`);
      const loaded = await preload({ donors, payments, ngoAdmin: admin }, level, o.concurrency, log);
      log(`preload: ${loaded.loaded} donations loaded in ${loaded.seconds.toFixed(0)} s (${loaded.found} were there before)`);
      growth.push({ level, ...loaded });
    }
    for (const workload of o.workloads) {
      let operation: Operation;
      let cleanup = (): void => undefined;
      let extra: ProcessCpu[] = [];
      switch (workload) {
        case 'baseline': {
          const baseline = baselineContract(profileOf('donorplatform'));
          cleanup = baseline.close;
          operation = (w, i) => baseline.contract.submitTransaction(BaselineTransaction.Put, `${run}-${w}-${i}`, 'x');
          break;
        }
        case 'donate':
          operation = async (w, i) => {
            const id = `b-${run}-${w}-${i}`;
            await pick(donors, w).donate({ id, ngoId: benchNgo, amount: 100, currency: 'EUR' });
            donated.push(id);
          };
          break;
        // Each donation must be pledged, then settled: both workloads count pledge and settlement,
        // one by one or SETTLEMENT_BATCH pledges to a settlement transaction.
        case 'settle':
          payments ??= await as('donorplatform', 'payments1');
          operation = async (w, i) => {
            const id = `st-${run}-${w}-${i}`;
            await pick(donors, w).donate({ id, ngoId: benchNgo, amount: 100, currency: 'EUR' });
            await payments!.settleDonations({ batchId: id, settlements: [{ donationId: id, paymentRef: id }] });
          };
          break;
        case 'settle-batch':
          payments ??= await as('donorplatform', 'payments1');
          operation = async (w, i) => {
            const ids = Array.from({ length: SETTLEMENT_BATCH }, (_, k) => `sb-${run}-${w}-${i}-${k}`);
            // Ten pledges at a time per worker: all 50 at once from 32 workers would pass the
            // gateway's limit of 500 requests in flight.
            for (let k = 0; k < ids.length; k += 10) {
              await Promise.all(ids.slice(k, k + 10).map((id, j) => pick(donors, w + j).donate({ id, ngoId: benchNgo, amount: 100, currency: 'EUR' })));
            }
            await payments!.settleDonations({ batchId: `sb-${run}-${w}-${i}`, settlements: ids.map((donationId) => ({ donationId, paymentRef: donationId })) });
          };
          break;
        case 'spend':
          // Only settled money pays for spends: the payment service settles the fund first.
          await pick(donors, 0).donate({ id: `fund-${run}`, ngoId: 'ngo-1', amount: '100000000000', currency: 'USD' });
          await (payments ??= await as('donorplatform', 'payments1')).settleDonations({ batchId: `fund-${run}`, settlements: [{ donationId: `fund-${run}`, paymentRef: 'bench' }] });
          operation = (w, i) => pick(staff, w).recordSpend({ id: `s-${run}-${w}-${i}`, ngoId: 'ngo-1', amount: 1, currency: 'USD', description: 'bench', category: 'bench' });
          break;
        case 'read':
          if (donated.length === 0) await pick(donors, 0).donate({ id: `r-${run}`, ngoId: benchNgo, amount: 1, currency: 'EUR' }).then((d) => donated.push(d.result.id));
          operation = (w, i) => pick(donors, w).readDonation(donated[(w * 7919 + i) % donated.length] ?? '');
          break;
        case 'list':
          operation = (w) => pick(donors, w).listDonationsByNgo(benchNgo, { pageSize: 20 });
          break;
        case 'list-index': {
          // The same page as 'list', from a read model in this process: embedded, or on a PostgreSQL server.
          readModel ??= await startReadModel({ source: admin.blockSource(), store: benchReadModelStore(log), chaincode: profileOf('ngo').chaincode });
          await readModel.indexer.waitForBlock((await admin.getDigest()).height - 1, 600_000);
          const model = readModel.readModel;
          operation = () => model.list('donation', { ngoId: benchNgo }, { limit: 20 });
          break;
        }
        case 'rest': {
          const api = await rest();
          extra = [{ name: 'rest api', pid: api.child.pid ?? 0 }];
          operation = async () => expectStatus(201, await httpJson(api.agent, api.port, 'POST', '/api/donations', { id: `bench-${randomUUID()}`, ngoId: benchNgo, amount: 100, currency: 'EUR' }, api.token));
          break;
        }
        case 'rest-list': {
          const api = await rest();
          extra = [{ name: 'rest api', pid: api.child.pid ?? 0 }];
          operation = async () => expectStatus(200, await httpJson(api.agent, api.port, 'GET', `/api/ngos/${benchNgo}/donations?pageSize=20`, undefined, api.token));
          break;
        }
        case 'rest-list-index': {
          const api = await rest();
          extra = [{ name: 'rest api', pid: api.child.pid ?? 0 }];
          await restReadModelCaughtUp(api, (await admin.getDigest()).height);
          operation = async () => expectStatus(200, await httpJson(api.agent, api.port, 'GET', `/api/read/donations?ngoId=${benchNgo}&limit=20`, undefined, api.token));
          break;
        }
      }
      log(`running ${workload}${at}`);
      try {
        const result = await runWorkload(`${workload}${at}`, operation, options, [...processes, ...extra]);
        results.push(result);
        log(`${workload}${at}: ${result.committed} ok, ${result.tps} tps, p95 ${result.latencyMs.p95} ms`);
      } finally {
        cleanup();
      }
    }
    const point = growth[growth.length - 1];
    if (level !== undefined && point && o.preload.length > 1) {
      Object.assign(point, await measureAtLevel(admin, profileOf('ngo').chaincode, o.runDir, [{ name: 'bench (read model in-process)', pid: process.pid }, ...(restApi?.child.pid ? [{ name: 'rest api', pid: restApi.child.pid }] : [])], log));
    }
  }
  for (const size of o.spendPools) {
    payments ??= await as('donorplatform', 'payments1');
    const pool = { donors, payments, staff: pick(staff, 0) };
    const campaignId = `pool-${size}-${runId}`;
    log(`filling a pool of ${size} settled donations`);
    await fillPool(pool, 'ngo-1', campaignId, size, log);
    // Spends of one pool take the same queue head, so they run one at a time, without retries
    // (a read conflict would be counted, not hidden), while new money keeps settling into the pool.
    const spender = await connect({ ...profileConnection(profileOf('ngo'), 'staff1'), retry: { maxAttempts: 1 } });
    const background = trickle(pool, 'ngo-1', campaignId, 100);
    try {
      const result = await runWorkload(`spend-pool-${size}`, (_w, i) =>
        spender.recordSpend({ id: `sp-${campaignId}-${i}`, ngoId: 'ngo-1', campaignId, amount: 1, currency: 'EUR', description: 'bench', category: 'bench' }),
      { ...options, concurrency: 1, targetRate: 0 }, processes);
      results.push(result);
      log(`spend-pool-${size}: ${result.committed} ok, failed ${JSON.stringify(result.failed)}, p95 ${result.latencyMs.p95} ms; ${await background.stop()} donations settled into the pool meanwhile`);
    } finally {
      await background.stop();
      spender.close();
    }
  }
  if (restApi) {
    restApi.child.kill('SIGTERM');
    restApi.agent.destroy();
    rmSync(restApi.dataDir, { recursive: true, force: true });
  }
  await readModel?.close();
  for (const c of [admin, ...donors, ...staff, ...(payments ? [payments] : [])]) c.close();

  const report = { when: new Date().toISOString(), options: { ...o, runDir: undefined }, ...(growth.length > 0 ? { growth } : {}), results, ratios: ratios(results) };
  mkdirSync(o.out, { recursive: true });
  const stamp = report.when.replace(/[:.]/g, '-');
  writeFileSync(join(o.out, `bench-${stamp}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join(o.out, `bench-${stamp}.html`), htmlReport(report));
  writeFileSync(join(o.out, 'latest.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(o.out, 'latest.html'), htmlReport(report));
  // Each growth curve also as a file of its own, as docs/benchmarks.md shows them (docs/img).
  for (const chart of growthCharts(growth, results)) writeFileSync(join(o.out, chart.file), growthSvg(chart));
  process.stdout.write(textReport(report));
  log(`report: ${join(o.out, `bench-${stamp}.{json,html}`)}`);
}

/**
 * Waits until the REST API's read model, which indexes from genesis when the API starts, holds
 * `height` blocks: minutes on a long ledger, longer than one read may wait for it.
 */
async function restReadModelCaughtUp(api: { agent: Agent; port: number; token: string }, height: number): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  for (let last = -1; ;) {
    // A socket the server closed while idle (its keep-alive timeout) is an error here: ask again.
    const status = await httpJson(api.agent, api.port, 'GET', '/api/read/status', undefined, api.token).catch(() => ({ status: 0, body: undefined }));
    const indexed = (status.body as { height?: number } | undefined)?.height ?? 0;
    if (indexed >= height) break;
    if (Date.now() > deadline) throw new Error(`the API read model did not catch up: ${indexed} of ${height} blocks after 30 minutes`);
    if (indexed !== last) log(`waiting for the API read model: ${indexed} of ${height} blocks`);
    last = indexed;
    await new Promise((r) => setTimeout(r, 2000));
  }
  // Once caught up, one read with minBlock: the indexer has also finished its post-catch-up maintenance.
  expectStatus(200, await httpJson(api.agent, api.port, 'GET', `/api/read/ngos?limit=1&minBlock=${height - 1}`, undefined, api.token), 'the API read model did not catch up');
}

function expectStatus(status: number, res: { status: number; body: unknown }, what = `HTTP ${res.status}`): void {
  if (res.status !== status) throw Object.assign(new Error(what), { code: (res.body as { code?: string } | undefined)?.code ?? `HTTP_${res.status}` });
}

function ratios(results: readonly WorkloadResult[]): Record<string, number | null> {
  const tps = (w: string): number | undefined => results.find((r) => r.workload === w)?.tps;
  const ratio = (a?: number, b?: number): number | null => (a !== undefined && b ? Math.round((a / b) * 100) / 100 : null);
  const settledPerSecond = (w: string, perOperation: number): number | null => {
    const t = tps(w);
    return t === undefined ? null : Math.round(t * perOperation * 10) / 10;
  };
  return {
    'donate/baseline': ratio(tps('donate'), tps('baseline')),
    'donations pledged and settled per second, one by one': settledPerSecond('settle', 1),
    [`donations pledged and settled per second, ${SETTLEMENT_BATCH} to a settlement`]: settledPerSecond('settle-batch', SETTLEMENT_BATCH),
    'rest/sdk (donate)': ratio(tps('rest'), tps('donate')),
    'list: read model/chaincode': ratio(tps('list-index'), tps('list')),
    'rest list: read model/chaincode': ratio(tps('rest-list-index'), tps('rest-list')),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
