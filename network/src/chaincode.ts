// Deploys chaincode the way Fabric users do, with `peer lifecycle chaincode`, as
// chaincode-as-a-service: each org packages a connection.json that points at its own chaincode
// server, installs it on its peers, approves the definition, and one admin commits it.
//
// Two chaincodes can be deployed: the ledger's (named by the topology), and the bench's (the
// Baseline contract's blind write, deployed by `npm run bench` only, never by `up`).
//
// The definition's version is a hash of the built chaincode. Deploying unchanged code is a no-op;
// deploying changed code is an upgrade: a new package per org, sequence + 1, and the chaincode
// servers restarted with the new package IDs.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CHAINCODE_TLS_IDENTITY } from './ca';
import { CommandError, log, retry, run } from './exec';
import { FabricBinaries } from './fabric-bin';
import { isPortFree } from './health';
import { firstPeer, ordererCliArgs, peerCli, peerCliAsync, peerSite } from './nodes';
import { REPO_ROOT, RunPaths, tlsRootFor } from './paths';
import { recordSpec, runningPid, start, stop } from './processes';
import { asSite } from './site-users';
import { hold, release } from './supervisor';
import { benchServerId, chaincodeServerId, channelViews, endpoint, hostOf, isChannelPolicy, PeerOrgConfig, peerId, Topology } from './topology';

/** One chaincode to deploy: what Fabric calls its definition, and where each org runs its server. */
export interface ChaincodeSpec {
  readonly name: string;
  /** The folder `fabric-chaincode-node server` loads: its package.json's main exports `contracts`. */
  readonly moduleDir: string;
  readonly endorsementPolicy: string;
  /** The collections config (absolute path), if the chaincode has private data. */
  readonly collections?: string;
  /** The org's chaincode server for it, or undefined where the org does not run it. */
  server(org: PeerOrgConfig): { readonly id: string; readonly port: number } | undefined;
}

/** The ledger's chaincode, as the topology names it. */
export function ledgerChaincode(t: Topology): ChaincodeSpec {
  return {
    name: t.chaincode.name,
    moduleDir: join(REPO_ROOT, t.chaincode.path),
    endorsementPolicy: t.chaincode.endorsementPolicy,
    ...(t.chaincode.collections ? { collections: join(REPO_ROOT, t.chaincode.collections) } : {}),
    server: (org) => ({ id: chaincodeServerId(org), port: org.chaincodeServer.port }),
  };
}

/** The name the bench's chaincode is deployed under. */
export const BENCH_CHAINCODE = 'bench';

/**
 * The bench's chaincode: the Baseline contract alone (packages/chaincode/bench), under the ledger's
 * endorsement policy so that a blind write costs what a donation costs in endorsements. Orgs whose
 * topology entry has no `chaincodeServer.benchPort` do not run it.
 */
export function benchChaincode(t: Topology): ChaincodeSpec {
  return {
    name: BENCH_CHAINCODE,
    moduleDir: join(REPO_ROOT, t.chaincode.path, 'bench'),
    endorsementPolicy: t.chaincode.endorsementPolicy,
    server: (org) => (org.chaincodeServer.benchPort === undefined ? undefined : { id: benchServerId(org), port: org.chaincodeServer.benchPort }),
  };
}

export interface Deployment {
  readonly label: string;
  readonly version: string;
  readonly packageIds: ReadonlyMap<string, string>;
}

/** The module's entry file, from its package.json's main. */
function entryFile(cc: ChaincodeSpec): string {
  const manifest = join(cc.moduleDir, 'package.json');
  if (!existsSync(manifest)) throw new Error(`the chaincode ${cc.name} has no ${relative(REPO_ROOT, manifest)}`);
  const { main } = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string };
  if (!main) throw new Error(`${relative(REPO_ROOT, manifest)} names no main file`);
  return resolve(cc.moduleDir, main);
}

/**
 * Workspace packages the chaincode's built code requires at run time. The chaincode server
 * resolves them through the workspace's node_modules links, not from the chaincode's own folder,
 * so their built files are hashed into the version as well: otherwise a change to the model
 * alone (an error code, a limit) would leave the deployed chaincode on the old code.
 */
const CHAINCODE_WORKSPACE_PACKAGES = ['@donation-ledger/model'];

/** The package.json and built .js files of each of CHAINCODE_WORKSPACE_PACKAGES, as the chaincode resolves them. */
function workspacePackageFiles(cc: ChaincodeSpec): string[] {
  return CHAINCODE_WORKSPACE_PACKAGES.flatMap((name) => {
    const manifest = require.resolve(`${name}/package.json`, { paths: [cc.moduleDir] });
    const { main = 'index.js' } = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string };
    const entry = resolve(dirname(manifest), main);
    if (!existsSync(entry)) throw new Error(`${name} is not built (${relative(REPO_ROOT, entry)} is missing); run "npm run build" first`);
    return [manifest, ...filesUnder(dirname(entry))];
  });
}

/**
 * The definition's version: a short hash of everything that makes up the deployed chaincode
 * (its package.json and the built code beside its entry file, the same of the workspace packages
 * it requires, the endorsement policy, the collections config), so that changing any of them
 * makes `deploy` an upgrade.
 */
export function chaincodeVersion(cc: ChaincodeSpec): string {
  const entry = entryFile(cc);
  if (!existsSync(entry)) {
    throw new Error(`the chaincode is not built (${relative(REPO_ROOT, entry)} is missing); run "npm run build" first`);
  }
  const hash = createHash('sha256');
  for (const file of [join(cc.moduleDir, 'package.json'), ...filesUnder(dirname(entry)), ...workspacePackageFiles(cc)]) {
    hash.update(relative(cc.moduleDir, file)).update(readFileSync(file));
  }
  hash.update(cc.endorsementPolicy);
  if (cc.collections) {
    if (!existsSync(cc.collections)) throw new Error(`the collections config ${relative(REPO_ROOT, cc.collections)} named by the topology does not exist`);
    hash.update(readFileSync(cc.collections));
  }
  return hash.digest('hex').slice(0, 12);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : name.endsWith('.js') ? [path] : [];
    });
}

/**
 * `keepCommitted`: bring orgs onto the committed definition without upgrading it, even if the
 * built code changed since (an org joining the channel must not upgrade everyone's chaincode).
 */
export async function deployChaincode(
  bins: FabricBinaries, t: Topology, paths: RunPaths, options: { keepCommitted?: boolean; chaincode?: ChaincodeSpec; packages?: Deployment } = {},
): Promise<Deployment> {
  const cc = options.chaincode ?? ledgerChaincode(t);
  const orgs = runningOrgs(t, cc);
  const before = options.keepCommitted ? queryCommitted(bins, t, paths, cc) : undefined;
  const version = before?.version ?? chaincodeVersion(cc);
  const { label, packageIds } = options.packages ?? await installPackages(bins, t, paths, cc, orgs, `${cc.name}_${version}`);

  const committed = before ?? queryCommitted(bins, t, paths, cc);
  // Unchanged code: nothing to commit, but an org that joined since the last commit still has to
  // approve the committed definition (with its own package) before its peers run the chaincode.
  const upToDate = committed?.version === version;
  const sequence = upToDate ? committed.sequence : (committed?.sequence ?? 0) + 1;
  const definition = [
    '--channelID', t.channel, '--name', cc.name, '--version', version,
    '--sequence', String(sequence), ...policyArgs(cc.endorsementPolicy),
    ...(cc.collections ? ['--collections-config', cc.collections] : []),
  ];
  // Each attempt goes to the next orderer: a retry does not wait on one that is down.
  let ordererAttempt = 0;
  const orderer = (asOrg: PeerOrgConfig): string[] => ordererCliArgs(t, paths, asOrg, ordererAttempt++);
  // Each org's admin approves for its own org, side by side: the approvals then wait for a
  // block together rather than one block each.
  await Promise.all(orgs.map(async ({ org }) => {
    const packageId = packageIds.get(org.name) ?? '';
    if (upToDate ? hasApprovedCommitted(bins, t, paths, cc, org, sequence, packageId) : isApproved(bins, t, paths, org, definition)) return;
    // The first approval can meet a Raft cluster still electing its leader: retry for a while.
    await retry(90_000, 2000, () =>
      peerCliAsync(bins, t, paths, org, ['lifecycle', 'chaincode', 'approveformyorg', ...definition, '--package-id', packageId, ...orderer(org)],
        `approve chaincode ${cc.name} sequence ${sequence} for ${org.mspId}`),
    isTransient).catch((err: unknown) => {
      throw explainDefinitionError(err, t);
    });
    log(`${org.mspId} approved ${cc.name} ${version} (sequence ${sequence})`);
  }));
  if (upToDate) {
    log(`chaincode ${cc.name} ${version} is already committed on ${t.channel} (sequence ${committed.sequence})`);
    return { label, version, packageIds };
  }

  // Any member may commit; the first one of the current membership that runs it does.
  const first = orgs[0]?.org;
  if (!first) throw new Error(`no org of the topology runs chaincode ${cc.name}`);
  const peerArgs = orgs.flatMap(({ org }) => [
    '--peerAddresses', endpoint(t, firstPeer(org).port), '--tlsRootCertFiles', tlsRootFor(paths, first.name, org.name),
  ]);
  await retry(30_000, 2000, () =>
    peerCli(bins, t, paths, first, ['lifecycle', 'chaincode', 'commit', ...definition, ...peerArgs, ...orderer(first)], `commit chaincode ${cc.name} sequence ${sequence}`),
  );
  log(`committed chaincode ${cc.name} ${version} on ${t.channel} (sequence ${sequence}) with policy ${cc.endorsementPolicy}`);
  return { label, version, packageIds };
}

/**
 * Deploys the ledger's chaincode on every channel of the topology: the main channel decides the
 * packages (installed on every member's peers, each org's chaincode server started with its
 * package ID), and each subset channel defines the chaincode with those same packages under its
 * own definition. One server per org then serves every channel, and an upgrade reaches all of them.
 */
export async function deployOnEveryChannel(bins: FabricBinaries, t: Topology, paths: RunPaths): Promise<void> {
  const [main, ...subsets] = channelViews(t);
  if (!main) return;
  const packages = await deployChaincode(bins, main, paths);
  for (const channel of subsets) await deployChaincode(bins, channel, paths, { packages });
}

/** Packs, installs and serves the chaincode for each org that runs it (its own package: its server's address). */
async function installPackages(
  bins: FabricBinaries, t: Topology, paths: RunPaths, cc: ChaincodeSpec, orgs: readonly { org: PeerOrgConfig; server: { id: string; port: number } }[], label: string,
): Promise<Pick<Deployment, 'label' | 'packageIds'>> {
  // Each org installs on its own peers and starts its own server, side by side, as the sites would.
  const installed = await Promise.all(orgs.map(async ({ org, server }): Promise<[string, string]> => {
    const packageFile = packageFor(t, paths, org, server, label);
    const packageId = peerSite(bins, paths, org).lend(packageFile, (given) =>
      peerCli(bins, t, paths, org, ['lifecycle', 'chaincode', 'calculatepackageid', given], `calculate the package ID of ${packageFile}`).trim());
    await installOnPeers(bins, t, paths, org, packageFile, packageId);
    await startChaincodeServer(t, paths, cc, org, server, packageId);
    return [org.name, packageId];
  }));
  return { label, packageIds: new Map(installed) };
}

/** The orgs that run the chaincode, each with its server; the others are named once. */
function runningOrgs(t: Topology, cc: ChaincodeSpec): { org: PeerOrgConfig; server: { id: string; port: number } }[] {
  const running = t.orgs.flatMap((org) => {
    const server = cc.server(org);
    return server ? [{ org, server }] : [];
  });
  const others = t.orgs.filter((org) => !cc.server(org)).map((org) => org.name);
  if (others.length > 0) log(`chaincode ${cc.name} is not run by ${others.join(', ')} (no port for its server in the topology)`);
  return running;
}

/** A definition the peer refuses stays refused: only ordering hiccups are worth a retry. */
const isTransient = (err: unknown): boolean => !(err instanceof CommandError && /error validating chaincode definition/.test(err.output));

/** The peer's words, plus what to do when a collection names an org that has left the channel. */
function explainDefinitionError(err: unknown, t: Topology): unknown {
  if (!(err instanceof CommandError) || !/collection member '([^']+)' is not part of the channel/.test(err.output)) return err;
  return new Error(
    `${err.message}\nA private data collection in ${t.chaincode.collections} names an org that is no longer a member of the channel. ` +
      'Fabric refuses new chaincode definitions until that collection\'s policy names current members only; the committed definition keeps working.',
  );
}

/** A channel policy (MAJORITY Endorsement by default) or an explicit signature policy. */
function policyArgs(policy: string): string[] {
  return isChannelPolicy(policy) ? ['--channel-config-policy', policy] : ['--signature-policy', policy];
}

/** Whether the org has approved the committed sequence with this package (an org that joined later has not). */
function hasApprovedCommitted(
  bins: FabricBinaries, t: Topology, paths: RunPaths, cc: ChaincodeSpec, org: PeerOrgConfig, sequence: number, packageId: string,
): boolean {
  try {
    const out = peerCli(bins, t, paths, org, [
      'lifecycle', 'chaincode', 'queryapproved', '--channelID', t.channel, '--name', cc.name, '--sequence', String(sequence), '--output', 'json',
    ], `query ${org.mspId}'s approval of ${cc.name}`);
    return out.includes(packageId);
  } catch (err) {
    if (err instanceof CommandError) return false;
    throw err;
  }
}

/** Builds the org's CCaaS package once per label: the bytes decide the package ID. */
function packageFor(t: Topology, paths: RunPaths, org: PeerOrgConfig, server: { port: number }, label: string): string {
  const dir = join(paths.chaincode(org.name), label);
  const packageFile = join(dir, `${label}.tgz`);
  if (existsSync(packageFile)) return packageFile;
  mkdirSync(dir, { recursive: true });
  const tls = paths.tls(org.name, CHAINCODE_TLS_IDENTITY);
  const pem = (file: string): string => readFileSync(join(tls, file), 'utf8');
  const connection = {
    address: endpoint(t, server.port),
    dial_timeout: '10s',
    tls_required: true,
    client_auth_required: true,
    client_cert: pem('server.crt'),
    client_key: pem('server.key'),
    root_cert: pem('ca.crt'),
  };
  writeFileSync(join(dir, 'connection.json'), JSON.stringify(connection, null, 2), { mode: 0o600 });
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
  run('tar', ['-czf', 'code.tar.gz', 'connection.json'], { cwd: dir, step: 'pack connection.json' });
  run('tar', ['-czf', `${label}.tgz`, 'metadata.json', 'code.tar.gz'], { cwd: dir, step: `pack ${label}.tgz` });
  // Both archives hold connection.json, with the chaincode server's TLS client key.
  for (const file of ['code.tar.gz', `${label}.tgz`]) chmodSync(join(dir, file), 0o600);
  return packageFile;
}

async function installOnPeers(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, packageFile: string, packageId: string): Promise<void> {
  for (const peer of org.peers) {
    const installed = await peerCliAsync(bins, t, paths, org, ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'], `list chaincodes installed on ${peerId(org, peer)}`, peer);
    if (installed.includes(packageId)) continue;
    await peerSite(bins, paths, org).lend(packageFile, (given) =>
      peerCliAsync(bins, t, paths, org, ['lifecycle', 'chaincode', 'install', given], `install ${packageFile} on ${peerId(org, peer)}`, peer));
    log(`installed ${packageId} on ${peerId(org, peer)}`);
  }
}

interface CommittedDefinition {
  readonly sequence: number;
  readonly version: string;
}

function queryCommitted(bins: FabricBinaries, t: Topology, paths: RunPaths, cc: ChaincodeSpec): CommittedDefinition | undefined {
  const first = t.orgs[0];
  if (!first) return undefined;
  try {
    const out = peerCli(bins, t, paths, first, ['lifecycle', 'chaincode', 'querycommitted', '--channelID', t.channel, '--name', cc.name, '--output', 'json'],
      `query the committed definition of ${cc.name}`);
    const parsed = JSON.parse(out) as { sequence: number; version: string };
    return { sequence: parsed.sequence, version: parsed.version };
  } catch (err) {
    if (err instanceof CommandError && /not found|does not exist|is not defined/i.test(err.output)) return undefined;
    throw err;
  }
}

function isApproved(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, definition: string[]): boolean {
  try {
    const out = peerCli(bins, t, paths, org, ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition, '--output', 'json'], 'check commit readiness');
    const approvals = (JSON.parse(out) as { approvals?: Record<string, boolean> }).approvals ?? {};
    return approvals[org.mspId] === true;
  } catch {
    return false;
  }
}

/**
 * Starts the org's chaincode servers (the ledger's, and the bench's where it was deployed) with
 * the package IDs its site folder records: what a restored site needs, with no deploy. Returns
 * the servers started.
 */
export async function startRecordedChaincodeServers(t: Topology, paths: RunPaths, org: PeerOrgConfig): Promise<string[]> {
  const started: string[] = [];
  for (const cc of [ledgerChaincode(t), benchChaincode(t)]) {
    const server = cc.server(org);
    const idFile = server && join(paths.chaincode(org.name), `${server.id}.package-id`);
    if (!server || !idFile || !existsSync(idFile)) continue;
    await startChaincodeServer(t, paths, cc, org, server, readFileSync(idFile, 'utf8'));
    started.push(server.id);
  }
  return started;
}

/** The org's own chaincode server (TLS, client auth), restarted when its package ID changes. */
async function startChaincodeServer(
  t: Topology, paths: RunPaths, cc: ChaincodeSpec, org: PeerOrgConfig, server: { id: string; port: number }, packageId: string,
): Promise<void> {
  const { id, port } = server;
  const pidFile = paths.pid(id);
  const idFile = join(paths.chaincode(org.name), `${id}.package-id`);
  const tls = paths.tls(org.name, CHAINCODE_TLS_IDENTITY);
  const spec = asSite(paths, org.name, {
    id,
    command: process.execPath,
    args: [
      require.resolve('fabric-shim/cli.js', { paths: [cc.moduleDir] }),
      'server',
      '--chaincode-address', endpoint(t, port),
      '--chaincode-id', packageId,
      '--chaincode-tls-cert-file', join(tls, 'server.crt'),
      '--chaincode-tls-key-file', join(tls, 'server.key'),
      '--chaincode-tls-client-cacert-file', paths.caCert(org.name),
      '--module-path', cc.moduleDir,
    ],
    // The shim logs every invocation at info; warnings and errors are what an operator needs.
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'warning', CORE_CHAINCODE_LOGGING_SHIM: 'warning' },
    cwd: cc.moduleDir,
    logFile: paths.log(id),
    pidFile,
    specFile: paths.spec(id),
  });
  if (runningPid(pidFile) !== undefined && existsSync(idFile) && readFileSync(idFile, 'utf8') === packageId) {
    recordSpec(spec);
    release(paths, id);
    return;
  }
  // Held while it is swapped, so the supervisor cannot restart the old one in between.
  hold(paths, id);
  await stop(pidFile);
  // A server that was just stopped may hold its port a moment longer (seen once in CI after a
  // full down/up): wait for it rather than start one that cannot bind.
  await retry(20_000, 200, async () => {
    if (!(await isPortFree(hostOf(t, port), port))) throw new Error(`${endpoint(t, port)}, the port of ${id}, is still in use by another process after 20s`);
  });
  start(spec);
  writeFileSync(idFile, packageId);
  release(paths, id);
  log(`started ${id} on ${endpoint(t, port)} for ${packageId}`);
  await retry(30_000, 200, async () => {
    if (runningPid(pidFile) === undefined) throw new Error(`${id} exited during start; see the end of ${paths.log(id)}`);
    if (await isPortFree(org.host, port)) throw new Error(`${id} did not listen within 30s; see ${paths.log(id)}`);
  });
}
