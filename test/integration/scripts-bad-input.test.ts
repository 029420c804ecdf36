// Bad input to the network scripts stops them with a clear message before anything starts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TOPOLOGY, endpoint, loadTopology, REPO_ROOT } from '@donation-ledger/network';
import { cli, NETWORK_ARGS } from './harness';

describe('bad input to the network scripts', () => {
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ledger-network-'));
  });

  afterEach(() => {
    cli(['down', '--run-dir', join(scratch, 'run')]);
    rmSync(scratch, { recursive: true, force: true });
  });

  const nothingStarted = (): boolean => {
    const pids = join(scratch, 'run', 'pids');
    return !existsSync(pids) || readdirSync(pids).length === 0;
  };

  test('an unknown org name is refused with the list of known orgs', () => {
    const result = cli(['env', 'no-such-org', ...NETWORK_ARGS]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown org "no-such-org"; the topology has: donorplatform, ngo');
  });

  test('signature files without the update they sign, or a prepared update without a file to write, are usage errors', () => {
    const signatures = cli(['governance', 'execute', 'some-proposal', '--signature', join(scratch, 'ngo.sig.json'), ...NETWORK_ARGS]);
    expect(signatures.status).toBe(2);
    expect(signatures.stderr).toContain('--signature needs --update <the envelope the signatures sign>');
    const noOut = cli(['governance', 'prepare-update', 'some-proposal', ...NETWORK_ARGS]);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toContain('governance prepare-update needs --out <file>');
    const unknown = cli(['config-update', 'frobnicate', ...NETWORK_ARGS]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown config-update subcommand "frobnicate"');
  });

  test('deploy names the chaincodes it knows, and the bench refuses --preload levels that do not grow, before touching the network', () => {
    const deploy = cli(['deploy', 'frobnicate', ...NETWORK_ARGS]);
    expect(deploy.status).toBe(2);
    expect(deploy.stderr).toContain('deploy takes "bench" or nothing, not "frobnicate"');
    const bench = spawnSync(process.execPath, [join(REPO_ROOT, 'bench', 'dist', 'cli.js'), '--run-dir', join(scratch, 'no-network'), '--preload', '1000,10'], { encoding: 'utf8' });
    expect(bench.status).not.toBe(0);
    expect(bench.stderr).toContain('--preload levels must grow, e.g. 1000,10000,100000');
  });

  test('a malformed topology is refused, listing every problem, and nothing starts', () => {
    const topology = JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as Record<string, any>;
    topology.orgs[0].peers[0].port = 'seven';
    topology.orgs[1].ca.port = topology.orgs[0].orderers[0].port;
    topology.orgs[1].colour = 'blue';
    const file = join(scratch, 'topology.json');
    writeFileSync(file, JSON.stringify(topology));

    const result = cli(['up', '--topology', file, '--run-dir', join(scratch, 'run')]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is invalid');
    expect(result.stderr).toContain('orgs[0].peers[0].port: must be a whole number');
    expect(result.stderr).toContain('orgs[1].ca.port: port 7255 is already used by orgs[0].orderers[0].port');
    expect(result.stderr).toContain('orgs[1].colour: unknown field');
    expect(nothingStarted()).toBe(true);
  });

  test('a topology that is not JSON is refused', () => {
    const file = join(scratch, 'topology.json');
    writeFileSync(file, '{ "channel": ');
    const result = cli(['up', '--topology', file, '--run-dir', join(scratch, 'run')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot be read as JSON');
    expect(nothingStarted()).toBe(true);
  });

  test('a port already taken by another program stops up before anything starts', async () => {
    const offset = 3000;
    const peer = endpoint(loadTopology(DEFAULT_TOPOLOGY, offset), 7251 + offset); // on the donor platform's own address
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(7251 + offset, peer.split(':')[0], resolve));
    try {
      const result = cli(['up', '--run-dir', join(scratch, 'run'), '--port-offset', String(offset)]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${peer} (needed by peer0.donorplatform)`);
      expect(nothingStarted()).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('an unknown command prints the usage', () => {
    const result = cli(['explode']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "explode"');
    expect(result.stderr).toContain('usage: ledger-network');
  });
});
