// An empty embedded store for unit tests, in memory. Creating a PGlite database runs initdb,
// which costs seconds per test file; the first test file to need one saves the freshly
// initialised data folder under the system's temporary folder, and later ones load that copy.
// Not part of the build (see tsconfig.json).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteStore, SqlStore } from '../sql';

// One copy per PGlite version: a data folder is only readable by the engine that wrote it.
// (Its package.json is not exported: read beside its entry point, dist/.)
const PGLITE_VERSION = (JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }).version;
const TEMPLATE = join(tmpdir(), `donation-ledger-pglite-${PGLITE_VERSION}-initdb.tar`);

/** A new, empty database in memory, closed by the store's `close()`. */
export async function openScratchStore(): Promise<SqlStore> {
  if (existsSync(TEMPLATE)) {
    return pgliteStore(await PGlite.create({ loadDataDir: new Blob([readFileSync(TEMPLATE)]) }));
  }
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  // Written aside and renamed: a test file running alongside never reads half a copy.
  const partial = `${TEMPLATE}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, TEMPLATE);
  return pgliteStore(db);
}
