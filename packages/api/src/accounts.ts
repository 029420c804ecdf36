// User accounts of one org's API: a password (hashed with scrypt) and the Fabric identity the API
// acts with for that user. Kept in the org's SQL database (embedded PGlite by default, PostgreSQL
// when configured), beside the read model, so that several API instances of one org share them.
// The identities' private keys live in that database too: it is as secret as a wallet folder.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Identity, IdentityStore } from '@donation-ledger/client';
import { Queryable, SqlStore } from '@donation-ledger/indexer';
import { Role as LedgerRole } from '@donation-ledger/model';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/**
 * An account's role: a ledger role (the model's; validators are not API users), or an admin of
 * this org, whose certificate carries no role but the admin type.
 */
export type Role = Exclude<LedgerRole, typeof LedgerRole.Validator> | 'org-admin';

/** Every account role, for schemas and checks. */
export const ROLES: readonly [Role, ...Role[]] = [LedgerRole.Donor, LedgerRole.NgoAdmin, LedgerRole.NgoStaff, LedgerRole.Payments, 'org-admin'];

export interface Account {
  readonly username: string;
  readonly role: Role;
  /** For NGO staff: the NGO they work for. */
  readonly ngoId?: string;
  /** The Fabric identity's label in the wallet. */
  readonly walletLabel: string;
  readonly passwordHash: string;
  readonly createdAt: string;
}

// scrypt at OWASP's minimum (Password Storage Cheat Sheet): N=2^17, r=8, p=1: 128 MiB and a few
// hundred milliseconds per hash. Hashes made with weaker parameters still verify, and are
// replaced at the next successful login (needsRehash).
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };
/** Hashes computed at once: each holds 128 MiB, so a burst of logins queues instead of exhausting memory. */
const MAX_CONCURRENT_HASHES = 2;

let running = 0;
const waiting: (() => void)[] = [];

/** Runs one scrypt at a time per slot (see MAX_CONCURRENT_HASHES). */
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await limited(() => scrypt(password, salt, 32, SCRYPT));
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await limited(() => scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem }));
  return timingSafeEqual(actual, expected);
}

/** Whether a stored hash was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const [kind, n, r, p] = stored.split('$');
  return kind !== 'scrypt' || Number(n) < SCRYPT.N || Number(r) < SCRYPT.r || Number(p) < SCRYPT.p;
}

/**
 * The account tables' schema, one entry per change, applied in order and never edited once
 * released: a database records which it has (api_migrations) and gets the rest at start.
 */
const MIGRATIONS: readonly { readonly id: string; readonly statements: readonly string[] }[] = [
  {
    id: '001-accounts',
    statements: [
      `create table api_accounts (
         username text collate "C" primary key,
         role text not null,
         ngo_id text,
         wallet_label text not null,
         password_hash text not null,
         created_at text not null)`,
      `create table api_identities (
         label text collate "C" primary key,
         msp_id text not null,
         certificate text not null,
         private_key text not null)`,
      // Secrets every instance of the org must share, e.g. the key that signs access tokens.
      `create table api_settings (name text collate "C" primary key, value text not null)`,
    ],
  },
  {
    // The first answer to each Idempotency-Key of each user (see idempotency.ts); status null while it runs.
    id: '002-idempotency-keys',
    statements: [
      `create table api_idempotency (
         owner text collate "C" not null,
         key text collate "C" not null,
         fingerprint text not null,
         status integer,
         body jsonb,
         started_at bigint not null,
         primary key (owner, key))`,
    ],
  },
];

interface AccountRow {
  username: string;
  role: Role;
  ngo_id: string | null;
  wallet_label: string;
  password_hash: string;
  created_at: string;
}

export class AccountStore {
  private constructor(private readonly db: SqlStore) {}

  /** Opens the account tables in `db`, bringing their schema up to date first. */
  static async open(db: SqlStore): Promise<AccountStore> {
    await migrate(db);
    return new AccountStore(db);
  }

  async get(username: string): Promise<Account | undefined> {
    const [row] = await this.db.query<AccountRow>('select * from api_accounts where username = $1', [username]);
    return row ? accountOf(row) : undefined;
  }

  async has(username: string): Promise<boolean> {
    return (await this.db.query('select 1 from api_accounts where username = $1', [username])).length > 0;
  }

  /** Replaces an account's password hash (a rehash with today's parameters). */
  async setPasswordHash(username: string, passwordHash: string): Promise<void> {
    await this.db.query('update api_accounts set password_hash = $2 where username = $1', [username, passwordHash]);
  }

  /** Stores a new account; false when the username is taken (by another instance, too). */
  async add(account: Account): Promise<boolean> {
    const inserted = await this.db.query(
      `insert into api_accounts (username, role, ngo_id, wallet_label, password_hash, created_at) values ($1, $2, $3, $4, $5, $6)
       on conflict (username) do nothing returning username`,
      [account.username, account.role, account.ngoId ?? null, account.walletLabel, account.passwordHash, account.createdAt],
    );
    return inserted.length === 1;
  }

  /** The users' Fabric identities, in the same database. */
  wallet(): IdentityStore {
    const db = this.db;
    return {
      async get(label) {
        const [row] = await db.query<{ msp_id: string; certificate: string; private_key: string }>('select * from api_identities where label = $1', [label]);
        return row ? { mspId: row.msp_id, certificate: row.certificate, privateKey: row.private_key } : undefined;
      },
      async put(label: string, identity: Identity) {
        await db.query(
          `insert into api_identities (label, msp_id, certificate, private_key) values ($1, $2, $3, $4)
           on conflict (label) do update set msp_id = excluded.msp_id, certificate = excluded.certificate, private_key = excluded.private_key`,
          [label, identity.mspId, identity.certificate, identity.privateKey],
        );
      },
      async remove(label) {
        await db.query('delete from api_identities where label = $1', [label]);
      },
      async list() {
        return (await db.query<{ label: string }>('select label from api_identities order by label')).map((r) => r.label);
      },
    };
  }

  /** A secret shared by every instance on this database: the first to ask creates it. */
  async sharedSecret(name: string, bytes: number): Promise<Buffer> {
    await this.db.query('insert into api_settings (name, value) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(bytes).toString('base64')]);
    const [row] = await this.db.query<{ value: string }>('select value from api_settings where name = $1', [name]);
    if (!row) throw new Error(`the shared secret ${name} could not be stored`);
    return Buffer.from(row.value, 'base64');
  }
}

function accountOf(row: AccountRow): Account {
  return {
    username: row.username, role: row.role, ...(row.ngo_id ? { ngoId: row.ngo_id } : {}), walletLabel: row.wallet_label,
    passwordHash: row.password_hash, createdAt: row.created_at,
  };
}

/**
 * Applies the migrations this database lacks, each in its own transaction. Two instances
 * starting at once serialize on an advisory lock; the one that waited sees the other's work
 * only in a fresh snapshot, hence the second attempt.
 */
export async function migrate(db: SqlStore): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction(async (tx) => {
        await tx.query("select pg_advisory_xact_lock(hashtext('api_migrations'))");
        await tx.query('create table if not exists api_migrations (id text collate "C" primary key, applied_at text not null)');
        const applied = new Set((await tx.query<{ id: string }>('select id from api_migrations')).map((r) => r.id));
        for (const migration of MIGRATIONS.filter((m) => !applied.has(m.id))) await apply(tx, migration);
      });
      return;
    } catch (err) {
      if (attempt >= 3) throw new Error(`cannot bring the account tables up to date: ${(err as Error).message}`, { cause: err });
    }
  }
}

async function apply(tx: Queryable, migration: (typeof MIGRATIONS)[number]): Promise<void> {
  for (const statement of migration.statements) await tx.query(statement);
  await tx.query('insert into api_migrations (id, applied_at) values ($1, $2)', [migration.id, new Date().toISOString()]);
}
