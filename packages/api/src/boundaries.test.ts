// An org runs its API, indexer and bench with a connection profile alone: none may need the
// network generator (its topology, run directory or port offset) to find the ledger.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesOf(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe.each(['packages/api', 'packages/indexer', 'bench'])('the %s package', (name) => {
  test('does not depend on the network package', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, name, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const dependencies = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    expect(Object.keys(dependencies)).not.toContain('@donation-ledger/network');
  });

  test('imports nothing from the network package or its folder', () => {
    const sources = sourcesOf(join(REPO, name, 'src'));
    expect(sources.length).toBeGreaterThan(3);
    const importers = sources.filter((file) => /from '(@donation-ledger\/network|(\.\.\/)+network)/.test(readFileSync(file, 'utf8')));
    expect(importers).toEqual([]);
  });
});
