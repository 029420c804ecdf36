// Deploys the chaincode the way Fabric users do, with `peer lifecycle chaincode`, as
// chaincode-as-a-service: each org packages a connection.json that points at its own chaincode
// server, installs it on its peers, approves the definition, and one admin commits it.
//
// The definition's version is a hash of the built chaincode. Deploying unchanged code is a no-op;
// deploying changed code is an upgrade: a new package per org, sequence + 1, and the chaincode
// servers restarted with the new package IDs.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CHAINCODE_TLS_IDENTITY } from './ca';
import { CommandError, log, retry, run } from './exec';
import { FabricBinaries } from './fabric-bin';
import { isPortFree } from './health';
import { firstPeer, ordererCliArgs, peerCliEnv } from './nodes';
import { REPO_ROOT, RunPaths } from './paths';
import { recordSpec, runningPid, start, stop } from './processes';
import { hold, release } from './supervisor';
import { chaincodeServerId, endpoint, hostOf, isChannelPolicy, PeerOrgConfig, peerId, Topology } from './topology';

interface Deployment {
  readonly label: string;
  readonly version: string;
  readonly packageIds: ReadonlyMap<string, string>;
}

export function chaincodeDir(t: Topology): string {
  return join(REPO_ROOT, t.chaincode.path);
}

export function collectionsFile(t: Topology): string | undefined {
  return t.chaincode.collections ? join(REPO_ROOT, t.chaincode.collections) : undefined;
}

/**
 * The definition's version: a short hash of everything that makes up the deployed chaincode
 * (its built code and package.json, the endorsement policy, the collections config), so that
 * changing any of them makes `deploy` an upgrade.
 */
export function chaincodeVersion(t: Topology): string {
  const dir = chaincodeDir(t);
  const dist = join(dir, 'dist');
  if (!existsSync(join(dist, 'index.js'))) {
    throw new Error(`the chaincode is not built (${relative(REPO_ROOT, dist)}/index.js is missing); run "npm run build" first`);
  }
  const hash = createHash('sha256');
  for (const file of [join(dir, 'package.json'), ...filesUnder(dist)]) {
    hash.update(relative(dir, file)).update(readFileSync(file));
  }
  hash.update(t.chaincode.endorsementPolicy);
  const collections = collectionsFile(t);
  if (collections) {
    if (!existsSync(collections)) throw new Error(`the collections config ${t.chaincode.collections} named by the topology does not exist`);
    hash.update(readFileSync(collections));
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
export async function deployChaincode(bins: FabricBinaries, t: Topology, paths: RunPaths, options: { keepCommitted?: boolean } = {}): Promise<Deployment> {
  const before = options.keepCommitted ? queryCommitted(bins, t, paths) : undefined;
  const version = before?.version ?? chaincodeVersion(t);
  const label = `${t.chaincode.name}_${version}`;
  const packageIds = new Map<string, string>();
  for (const org of t.orgs) {
    const packageFile = packageFor(t, paths, org, label);
    const packageId = run(bins.path('peer'), ['lifecycle', 'chaincode', 'calculatepackageid', packageFile], {
      env: peerCliEnv(bins, t, paths, org), step: `calculate the package ID of ${packageFile}`,
    }).trim();
    packageIds.set(org.name, packageId);
    installOnPeers(bins, t, paths, org, packageFile, packageId);
    await startChaincodeServer(t, paths, org, packageId);
  }

  const committed = before ?? queryCommitted(bins, t, paths);
  // Unchanged code: nothing to commit, but an org that joined since the last commit still has to
  // approve the committed definition (with its own package) before its peers run the chaincode.
  const upToDate = committed?.version === version;
  const sequence = upToDate ? committed.sequence : (committed?.sequence ?? 0) + 1;
  const collections = collectionsFile(t);
  const definition = [
    '--channelID', t.channel, '--name', t.chaincode.name, '--version', version,
    '--sequence', String(sequence), ...policyArgs(t.chaincode.endorsementPolicy),
    ...(collections ? ['--collections-config', collections] : []),
  ];
  // Each attempt goes to the next orderer: a retry does not wait on one that is down.
  let ordererAttempt = 0;
  const orderer = (): string[] => ordererCliArgs(t, paths, ordererAttempt++);
  for (const org of t.orgs) {
    const env = peerCliEnv(bins, t, paths, org);
    const packageId = packageIds.get(org.name) ?? '';
    if (upToDate ? hasApprovedCommitted(bins, t, paths, org, sequence, packageId) : isApproved(bins, t, paths, org, definition)) continue;
    // The first approval can meet a Raft cluster still electing its leader: retry for a while.
    await retry(90_000, 2000, () =>
      run(bins.path('peer'), ['lifecycle', 'chaincode', 'approveformyorg', ...definition, '--package-id', packageId, ...orderer()], {
        env, step: `approve chaincode ${t.chaincode.name} sequence ${sequence} for ${org.mspId}`,
      }),
    isTransient).catch((err: unknown) => {
      throw explainDefinitionError(err, t);
    });
    log(`${org.mspId} approved ${t.chaincode.name} ${version} (sequence ${sequence})`);
  }
  if (upToDate) {
    log(`chaincode ${t.chaincode.name} ${version} is already committed (sequence ${committed.sequence})`);
    return { label, version, packageIds };
  }

  // Any member may commit; the first one of the current membership does.
  const first = t.orgs[0];
  if (!first) throw new Error('the topology has no org');
  const peerArgs = t.orgs.flatMap((org) => [
    '--peerAddresses', endpoint(t, firstPeer(org).port), '--tlsRootCertFiles', paths.caCert(org.name),
  ]);
  await retry(30_000, 2000, () =>
    run(bins.path('peer'), ['lifecycle', 'chaincode', 'commit', ...definition, ...peerArgs, ...orderer()], {
      env: peerCliEnv(bins, t, paths, first), step: `commit chaincode ${t.chaincode.name} sequence ${sequence}`,
    }),
  );
  log(`committed chaincode ${t.chaincode.name} ${version} (sequence ${sequence}) with policy ${t.chaincode.endorsementPolicy}`);
  return { label, version, packageIds };
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
function hasApprovedCommitted(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, sequence: number, packageId: string): boolean {
  try {
    const out = run(bins.path('peer'), [
      'lifecycle', 'chaincode', 'queryapproved', '--channelID', t.channel, '--name', t.chaincode.name, '--sequence', String(sequence), '--output', 'json',
    ], { env: peerCliEnv(bins, t, paths, org), step: `query ${org.mspId}'s approval of ${t.chaincode.name}` });
    return out.includes(packageId);
  } catch (err) {
    if (err instanceof CommandError) return false;
    throw err;
  }
}

/** Builds the org's CCaaS package once per label: the bytes decide the package ID. */
function packageFor(t: Topology, paths: RunPaths, org: PeerOrgConfig, label: string): string {
  const dir = join(paths.chaincode(org.name), label);
  const packageFile = join(dir, `${label}.tgz`);
  if (existsSync(packageFile)) return packageFile;
  mkdirSync(dir, { recursive: true });
  const tls = paths.tls(org.name, CHAINCODE_TLS_IDENTITY);
  const pem = (file: string): string => readFileSync(join(tls, file), 'utf8');
  const connection = {
    address: endpoint(t, org.chaincodeServer.port),
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

function installOnPeers(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, packageFile: string, packageId: string): void {
  for (const peer of org.peers) {
    const env = peerCliEnv(bins, t, paths, org, peer);
    const installed = run(bins.path('peer'), ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'], {
      env, step: `list chaincodes installed on ${peerId(org, peer)}`,
    });
    if (installed.includes(packageId)) continue;
    run(bins.path('peer'), ['lifecycle', 'chaincode', 'install', packageFile], { env, step: `install ${packageFile} on ${peerId(org, peer)}` });
    log(`installed ${packageId} on ${peerId(org, peer)}`);
  }
}

interface CommittedDefinition {
  readonly sequence: number;
  readonly version: string;
}

function queryCommitted(bins: FabricBinaries, t: Topology, paths: RunPaths): CommittedDefinition | undefined {
  const first = t.orgs[0];
  if (!first) return undefined;
  try {
    const out = run(bins.path('peer'), ['lifecycle', 'chaincode', 'querycommitted', '--channelID', t.channel, '--name', t.chaincode.name, '--output', 'json'], {
      env: peerCliEnv(bins, t, paths, first), step: `query the committed definition of ${t.chaincode.name}`,
    });
    const parsed = JSON.parse(out) as { sequence: number; version: string };
    return { sequence: parsed.sequence, version: parsed.version };
  } catch (err) {
    if (err instanceof CommandError && /not found|does not exist|is not defined/i.test(err.output)) return undefined;
    throw err;
  }
}

function isApproved(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, definition: string[]): boolean {
  try {
    const out = run(bins.path('peer'), ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition, '--output', 'json'], {
      env: peerCliEnv(bins, t, paths, org), step: 'check commit readiness',
    });
    const approvals = (JSON.parse(out) as { approvals?: Record<string, boolean> }).approvals ?? {};
    return approvals[org.mspId] === true;
  } catch {
    return false;
  }
}

/** The org's own chaincode server (TLS, client auth), restarted when its package ID changes. */
async function startChaincodeServer(t: Topology, paths: RunPaths, org: PeerOrgConfig, packageId: string): Promise<void> {
  const id = chaincodeServerId(org);
  const pidFile = paths.pid(id);
  const idFile = join(paths.chaincode(org.name), 'running-package-id');
  const tls = paths.tls(org.name, CHAINCODE_TLS_IDENTITY);
  const spec = {
    id,
    command: process.execPath,
    args: [
      require.resolve('fabric-shim/cli.js', { paths: [chaincodeDir(t)] }),
      'server',
      '--chaincode-address', endpoint(t, org.chaincodeServer.port),
      '--chaincode-id', packageId,
      '--chaincode-tls-cert-file', join(tls, 'server.crt'),
      '--chaincode-tls-key-file', join(tls, 'server.key'),
      '--chaincode-tls-client-cacert-file', paths.caCert(org.name),
      '--module-path', chaincodeDir(t),
    ],
    // The shim logs every invocation at info; warnings and errors are what an operator needs.
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'warning', CORE_CHAINCODE_LOGGING_SHIM: 'warning' },
    cwd: chaincodeDir(t),
    logFile: paths.log(id),
    pidFile,
    specFile: paths.spec(id),
  };
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
  const port = org.chaincodeServer.port;
  await retry(20_000, 200, async () => {
    if (!(await isPortFree(hostOf(t, port), port))) throw new Error(`${endpoint(t, port)}, the port of ${id}, is still in use by another process after 20s`);
  });
  start(spec);
  writeFileSync(idFile, packageId);
  release(paths, id);
  log(`started ${id} on ${endpoint(t, org.chaincodeServer.port)} for ${packageId}`);
  await retry(30_000, 200, async () => {
    if (runningPid(pidFile) === undefined) throw new Error(`${id} exited during start; see the end of ${paths.log(id)}`);
    if (await isPortFree(org.host, org.chaincodeServer.port)) throw new Error(`${id} did not listen within 30s; see ${paths.log(id)}`);
  });
}
