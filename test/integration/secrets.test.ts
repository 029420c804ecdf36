// Secrets stay secret: private keys and enrollment secrets are readable only by their owner and
// appear in no log; the repository holds none.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@donation-ledger/network';
import { paths } from './harness';

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

  test('the repository tracks no private key', () => {
    const marker = ['BEGIN', 'PRIVATE KEY'].join(' '); // spelled apart so this file does not match itself
    const result = spawnSync('git', ['grep', '-l', '-e', marker, '-e', marker.replace('PRIVATE', 'EC PRIVATE'), '--', '.'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe(''); // git grep exits 1 when nothing matches
  });
});
