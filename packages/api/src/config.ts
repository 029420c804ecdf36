// The API's configuration: read from the environment once, checked, documented in .env.example.
// No other module reads process.env.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { loadProfile, LedgerError, profilePath, SiteProfile } from '@donation-ledger/client';
import { StoreConfig } from '@donation-ledger/indexer';

const schema = z.object({
  /** The org's connection profile (written by the network's `up` into the org's folder). */
  LEDGER_PROFILE: z.string().optional(),
  /** Without LEDGER_PROFILE: the org whose profile in this repository's network/run to use. */
  LEDGER_ORG: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/).optional(),
  /** The channel this instance serves; without LEDGER_PROFILE, the org's profile of that channel (default: the main channel's). */
  LEDGER_CHANNEL: z.string().regex(/^[a-z][a-z0-9.-]{0,48}$/).optional(),
  HOST: z.string().default('127.0.0.1'),
  /**
   * Which proxies' X-Forwarded-For to believe for the client's address (rate limits, logs), in
   * Express's terms: e.g. "loopback" behind a local reverse proxy, or its addresses. Unset: none,
   * so a client cannot pick its own address and escape the login limit.
   */
  TRUST_PROXY: z.string().regex(/^[\w.:/, -]+$/, 'must be "loopback" or proxy addresses / subnets').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The instance's own files (admin password, instance id, embedded database); default: <profile's folder>/api. */
  DATA_DIR: z.string().default(''),
  /** Password of the built-in "admin" account (NGO org: registers NGOs, creates staff accounts). */
  ADMIN_PASSWORD: z.string().min(12, 'ADMIN_PASSWORD must be at least 12 characters').optional(),
  /** How long a write waits for its commit, and then keeps asking for its status, before 504. */
  COMMIT_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000).default(10),
  /** Proofs and verifications of the chain (each reads many blocks) a client may ask for per minute. */
  EXPENSIVE_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000).default(12),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('32kb'),
  /**
   * The org's database: accounts, users' Fabric identities and the read model. PostgreSQL when
   * set (e.g. postgresql://ledger@127.0.0.1:5432/ledger; instances of one org share it), else
   * embedded in DATABASE_DIR (one process only).
   */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL').optional(),
  DATABASE_DIR: z.string().default(''),
  /** The read model (SQL index of the ledger): on by default. One instance per database indexes. */
  INDEXER: z.enum(['on', 'off']).default('on'),
  /** 1: drop the read model and index again from genesis at start (also the way out of a broken checkpoint). */
  INDEXER_REBUILD: z.enum(['0', '1']).default('0'),
  /**
   * on: every indexed block's validation codes must equal those on a peer of another member org
   * (the codes are covered by no hash or signature; off trusts this org's own peer for them).
   */
  INDEXER_CROSS_CHECK: z.enum(['on', 'off']).default('off'),
  /** How long a read with minBlock/afterTx waits for the indexer before 504. */
  READ_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly profile: SiteProfile;
  readonly host: string;
  readonly port: number;
  /** Express's "trust proxy" setting; false when no proxy is trusted. */
  readonly trustProxy: string | false;
  readonly dataDir: string;
  /** Accounts, identities and the read model. */
  readonly database: StoreConfig;
  readonly adminPassword: string;
  /** Names this instance's identities in the org's CA, so that two instances never collide. */
  readonly instanceId: string;
  readonly commitTimeoutMs: number;
  readonly tokenTtlSeconds: number;
  readonly loginAttemptsPerMinute: number;
  readonly expensivePerMinute: number;
  readonly bodyLimit: string;
  readonly logLevel: string;
  readonly readModel: {
    readonly enabled: boolean;
    readonly rebuild: boolean;
    /** Compare each block's validation codes with another org's peer. */
    readonly crossCheck: boolean;
    readonly waitMs: number;
  };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  const profile = profileOf(e.LEDGER_PROFILE, e.LEDGER_ORG, e.LEDGER_CHANNEL);
  // In the org's site folder by default: accounts hold identities of the org's CA, so 'clean' removes both.
  const dataDir = resolve(e.DATA_DIR || defaultDataDir(profile));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return {
    profile,
    host: e.HOST,
    port: e.PORT,
    trustProxy: e.TRUST_PROXY ?? false,
    dataDir,
    database: e.DATABASE_URL ? { kind: 'postgresql', url: e.DATABASE_URL } : { kind: 'embedded', dir: resolve(e.DATABASE_DIR || join(dataDir, 'database')) },
    adminPassword: e.ADMIN_PASSWORD ?? persistentSecret(join(dataDir, 'admin-password'), 18),
    instanceId: persistentSecret(join(dataDir, 'instance-id'), 6).toLowerCase().replace(/[^a-z0-9]/g, 'x'),
    commitTimeoutMs: e.COMMIT_TIMEOUT_MS,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
    expensivePerMinute: e.EXPENSIVE_REQUESTS_PER_MINUTE,
    bodyLimit: e.BODY_LIMIT,
    logLevel: e.LOG_LEVEL,
    readModel: {
      enabled: e.INDEXER === 'on',
      rebuild: e.INDEXER_REBUILD === '1',
      crossCheck: e.INDEXER_CROSS_CHECK === 'on',
      waitMs: e.READ_WAIT_MS,
    },
  };
}

/** The profile named, or this repository's profile of the org and channel; a mismatch between them is an error. */
function profileOf(file: string | undefined, org: string | undefined, channel: string | undefined): SiteProfile {
  const path = file ?? profilePath(org ?? 'donorplatform', undefined, channel);
  let profile: SiteProfile;
  try {
    profile = loadProfile(path);
  } catch (err) {
    const hint = file ? '' : ' (start the network with "npm start" or "npm run network -- up", or set LEDGER_PROFILE)';
    throw new ConfigError(`${err instanceof LedgerError ? err.message : String(err)}${hint}`);
  }
  if (org && profile.org !== org) throw new ConfigError(`LEDGER_ORG is ${org}, but the profile ${profile.file} is ${profile.org}'s`);
  if (channel && profile.channel !== channel) throw new ConfigError(`LEDGER_CHANNEL is ${channel}, but the profile ${profile.file} is of channel ${profile.channel}`);
  return profile;
}

/** A random secret kept in a 0600 file, so that it survives restarts without being configured. */
function persistentSecret(file: string, bytes: number): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(bytes).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * The site folder's api/ for the main channel's profile (profile.json); api-<channel>/ for a
 * subset channel's (profile.<channel>.json), whose read model indexes another chain.
 */
function defaultDataDir(profile: SiteProfile): string {
  const site = dirname(profile.file);
  return basename(profile.file) === 'profile.json' ? join(site, 'api') : join(site, `api-${profile.channel}`);
}
