// Empty embedded stores for tests. Creating a PGlite database runs initdb, which costs seconds
// per database (5-10 s on a busy 2-core machine); the first test to need one saves the freshly
// initialised data under the system's temporary folder, and later ones start from that copy.
// Not part of the build (see tsconfig.json).
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteStore, SqlStore } from '../sql';

// One copy per PGlite version: a data folder is only readable by the engine that wrote it.
// (Its package.json is not exported: read beside its entry point, dist/.)
const PGLITE_VERSION = (JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }).version;
const TEMPLATE = join(tmpdir(), `donation-ledger-pglite-${PGLITE_VERSION}-initdb.tar`);
const FOLDER_TEMPLATE = join(tmpdir(), `donation-ledger-pglite-${PGLITE_VERSION}-initdb`);

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

/**
 * Puts an empty database, as initdb leaves it, into the folder `dir` (made if missing; it must
 * hold no database yet), so that the code under test opens it (`openStore`, an API's DATA_DIR,
 * the indexer's --dir) without running initdb. Everything the store itself creates (its lock,
 * its schema) is still made by the code under test. Returns `dir`.
 */
export async function seedEmptyDatabase(dir: string): Promise<string> {
  if (existsSync(join(dir, 'PG_VERSION'))) throw new Error(`${dir} already holds a database`);
  if (!existsSync(FOLDER_TEMPLATE)) {
    const partial = `${FOLDER_TEMPLATE}.${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    await (await PGlite.create(partial)).close();
    // Made aside and renamed (atomic): a test file running alongside never copies half a folder.
    try {
      renameSync(partial, FOLDER_TEMPLATE);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(FOLDER_TEMPLATE)) throw err; // else another process made it meanwhile
    }
  }
  cpSync(FOLDER_TEMPLATE, dir, { recursive: true });
  return dir;
}
