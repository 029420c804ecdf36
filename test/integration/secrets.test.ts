// Secrets stay secret: private keys and enrollment secrets are readable only by their owner,
// appear in no log and on no process's command line; ledgers are their owner's alone; the
// repository holds no key.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@donation-ledger/network';
import { CLI, NETWORK_ARGS, paths } from './harness';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('secrets', () => {
  const root = paths().root;
  const all = filesUnder(root).filter((f) => !f.includes(`${join(root, 'data')}/`)); // ledgers are Fabric's own

  test('every private key, enrollment secret, node spec and chaincode package is readable by its owner only', () => {
    const secretFiles = all.filter((f) => /(key\.pem|server\.key|_sk|secrets\.json|connection\.json|\.tgz|code\.tar\.gz|fabric-ca-server-config\.yaml)$/.test(f) || f.includes('/specs/'));
    expect(secretFiles.length).toBeGreaterThan(20);
    const open = secretFiles.filter((f) => (statSync(f).mode & 0o077) !== 0).map((f) => f.slice(root.length));
    expect(open).toEqual([]);
  });

  test('no log holds a private key or an enrollment secret', () => {
    const secrets = readdirSync(join(root, 'orgs')).flatMap((org) => {
      const s = JSON.parse(readFileSync(paths().secrets(org), 'utf8')) as { caAdmin: string; identities: Record<string, string> };
      return [s.caAdmin, ...Object.values(s.identities)];
    });
    for (const log of filesUnder(paths().logs)) {
      const text = readFileSync(log, 'utf8');
      expect(text).not.toContain('PRIVATE KEY');
      for (const secret of secrets) if (text.includes(secret)) throw new Error(`${log} contains an enrollment secret`);
    }
  });

  test('ledgers, private-data stores and their folders are readable by their owner only', () => {
    const data = join(root, 'data');
    const entries = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => [join(dir, e.name), ...(e.isDirectory() ? entries(join(dir, e.name)) : [])]);
    const all = entries(data);
    expect(all.some((f) => f.includes('pvtdataStore'))).toBe(true); // the donors' names and emails live here
    expect(all.filter((f) => (statSync(f).mode & 0o077) !== 0).map((f) => f.slice(root.length))).toEqual([]);
  });

  test('no enrollment secret appears on any command line while an org enrolls its identities', async () => {
    // Every process's arguments are readable by every user (`ps`): sample them all while a new
    // org's CA is started and its identities registered and enrolled.
    const seen = new Set<string>();
    const sample = (): void => {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          seen.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
        } catch {
          // gone meanwhile
        }
      }
    };
    const child = spawn(process.execPath, [CLI, 'org', 'prepare', join(__dirname, 'fixtures', 'watchdog-org.json'), ...NETWORK_ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      sample();
      await new Promise((r) => setTimeout(r, 2));
    }
    expect([await exited, stderr.includes('ERROR') ? stderr : '']).toEqual([0, '']);
    const enrolments = [...seen].filter((line) => line.includes('fabric-ca-client'));
    expect(enrolments.length).toBeGreaterThan(0); // the sampling did see the enrolments run
    const { caAdmin, identities } = JSON.parse(readFileSync(paths().secrets('watchdog'), 'utf8')) as { caAdmin: string; identities: Record<string, string> };
    for (const secret of [caAdmin, ...Object.values(identities)]) {
      const leaked = [...seen].find((line) => line.includes(secret));
      if (leaked) throw new Error(`a secret was on a command line: ${leaked.replace(secret, '<secret>')}`);
    }
  }, 120_000);

  test('the repository tracks no private key', () => {
    const marker = ['BEGIN', 'PRIVATE KEY'].join(' '); // spelled apart so this file does not match itself
    const result = spawnSync('git', ['grep', '-l', '-e', marker, '-e', marker.replace('PRIVATE', 'EC PRIVATE'), '--', '.'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe(''); // git grep exits 1 when nothing matches
  });
});
