// The read model's SQL store: PostgreSQL's dialect everywhere. Embedded by default (PGlite: the
// PostgreSQL engine compiled to WebAssembly, kept in a folder, no server to install), or a
// PostgreSQL server when a connection URL is configured. One schema, one set of queries.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Pool, PoolClient, types } from 'pg';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface SqlStore extends Queryable {
  /** "embedded" or "postgresql": shown in status output. */
  readonly kind: 'embedded' | 'postgresql';
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Vacuums and analyzes `tables` after many of their rows changed. The embedded engine runs no
   * autovacuum: without statistics the planner sorts every row of a filter to return a page, and
   * updated rows leave dead copies in every index. A PostgreSQL server does this by itself.
   */
  maintain(tables: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export type StoreConfig = { readonly kind: 'embedded'; readonly dir: string } | { readonly kind: 'postgresql'; readonly url: string };

export async function openStore(config: StoreConfig): Promise<SqlStore> {
  return config.kind === 'embedded' ? openEmbedded(config.dir) : openPostgres(config.url);
}

async function openEmbedded(dir: string): Promise<SqlStore> {
  mkdirSync(dir, { recursive: true });
  const unlock = lockFolder(dir);
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (err) {
    unlock();
    throw new Error(`the embedded read-model database in ${dir} cannot be opened (${(err as Error).message}); rebuild it from the ledger with "npm run indexer -- rebuild"`, { cause: err });
  }
  return pgliteStore(db, unlock);
}

/** A store over an open PGlite database; `closed` runs after the database is closed. */
export function pgliteStore(db: PGlite, closed: () => void = () => {}): SqlStore {
  const run = async <T>(q: { query: PGlite['query'] }, sql: string, params?: readonly unknown[]): Promise<T[]> =>
    (await q.query<T>(sql, params as unknown[] | undefined)).rows;
  return {
    kind: 'embedded',
    query: (sql, params) => run(db, sql, params),
    // PGlite is one connection: transactions are serialized by it.
    transaction: (work) => db.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params) })),
    maintain: async (tables) => {
      // Table names are the schema's own, never input.
      await db.exec(`vacuum analyze ${tables.join(', ')}`);
    },
    close: async () => {
      await db.close();
      closed();
    },
  };
}

/**
 * The embedded database is one process's: a second process opening the same folder would
 * corrupt it. A lock file names the owner; a lock left by a dead process is taken over.
 */
function lockFolder(dir: string): () => void {
  const lock = join(dir, 'owner.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`the embedded read-model database in ${dir} is in use by process ${owner}; stop it first (or give this one another folder)`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`cannot lock the embedded read-model database in ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const INT8_OID: number = types.builtins.INT8;

function readerOf(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  return oid === INT8_OID ? Number : (types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown);
}

async function openPostgres(url: string): Promise<SqlStore> {
  // Rows read the same as PGlite's: bigint (block numbers, counts) as numbers, numeric (money) as strings.
  const pool = new Pool({ connectionString: url, max: 4, types: { getTypeParser: readerOf } });
  const run = async <T>(client: Pool | PoolClient, sql: string, params?: readonly unknown[]): Promise<T[]> =>
    (await client.query(sql, params as unknown[] | undefined)).rows as T[];
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end();
    throw new Error(`cannot reach the read-model database at ${redact(url)}: ${(err as Error).message}`, { cause: err });
  }
  return {
    kind: 'postgresql',
    query: (sql, params) => run(pool, sql, params),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin isolation level repeatable read');
        const result = await work({ query: (sql, params) => run(client, sql, params) });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    maintain: () => Promise.resolve(), // autovacuum's job on a server
    close: () => pool.end(),
  };
}

/** A connection URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
