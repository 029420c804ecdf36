// The API's configuration: read from the environment once, checked, documented in .env.example.
// No other module reads process.env.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { StoreConfig } from '@donation-ledger/indexer';
import { DEFAULT_RUN_DIR, DEFAULT_TOPOLOGY } from '@donation-ledger/network';

const schema = z.object({
  /** Which member org this API instance serves (an org name of the topology). */
  LEDGER_ORG: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/).default('donorplatform'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TOPOLOGY_FILE: z.string().default(DEFAULT_TOPOLOGY),
  NETWORK_RUN_DIR: z.string().default(DEFAULT_RUN_DIR),
  PORT_OFFSET: z.coerce.number().int().min(0).max(50000).default(0),
  /** Accounts, users' Fabric identities (wallet) and the token key live here. */
  DATA_DIR: z.string().default(''),
  /** Password of the built-in "admin" account (NGO org: registers NGOs, creates staff accounts). */
  ADMIN_PASSWORD: z.string().min(12, 'ADMIN_PASSWORD must be at least 12 characters').optional(),
  /** How long a write waits for its commit, and then keeps asking for its status, before 504. */
  COMMIT_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000).default(10),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('32kb'),
  /** The read model (SQL index of the ledger): on by default, in an embedded database under DATA_DIR. */
  INDEXER: z.enum(['on', 'off']).default('on'),
  /** PostgreSQL instead of the embedded database, e.g. postgresql://ledger@127.0.0.1:5432/ledger */
  READ_MODEL_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL').optional(),
  READ_MODEL_DIR: z.string().default(''),
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
  readonly org: string;
  readonly host: string;
  readonly port: number;
  readonly topologyFile: string;
  readonly networkRunDir: string;
  readonly portOffset: number;
  readonly dataDir: string;
  readonly adminPassword: string;
  /** Names this instance's identities in the org's CA, so that two instances never collide. */
  readonly instanceId: string;
  readonly commitTimeoutMs: number;
  readonly tokenTtlSeconds: number;
  /** HMAC key for access tokens; generated once per data directory. */
  readonly tokenSecret: Uint8Array;
  readonly loginAttemptsPerMinute: number;
  readonly bodyLimit: string;
  readonly logLevel: string;
  readonly readModel: {
    readonly enabled: boolean;
    readonly store: StoreConfig;
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
  // Inside the run directory by default: accounts hold identities of the network's CAs, so 'clean' removes both.
  const dataDir = resolve(e.DATA_DIR || join(e.NETWORK_RUN_DIR, 'api-data', e.LEDGER_ORG));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return {
    org: e.LEDGER_ORG,
    host: e.HOST,
    port: e.PORT,
    topologyFile: resolve(e.TOPOLOGY_FILE),
    networkRunDir: resolve(e.NETWORK_RUN_DIR),
    portOffset: e.PORT_OFFSET,
    dataDir,
    adminPassword: e.ADMIN_PASSWORD ?? persistentSecret(join(dataDir, 'admin-password'), 18),
    instanceId: persistentSecret(join(dataDir, 'instance-id'), 6).toLowerCase().replace(/[^a-z0-9]/g, 'x'),
    commitTimeoutMs: e.COMMIT_TIMEOUT_MS,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    tokenSecret: Buffer.from(persistentSecret(join(dataDir, 'token-key'), 32), 'base64url'),
    loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
    bodyLimit: e.BODY_LIMIT,
    logLevel: e.LOG_LEVEL,
    readModel: {
      enabled: e.INDEXER === 'on',
      store: e.READ_MODEL_DATABASE_URL
        ? { kind: 'postgresql', url: e.READ_MODEL_DATABASE_URL }
        : { kind: 'embedded', dir: resolve(e.READ_MODEL_DIR || join(dataDir, 'read-model')) },
      rebuild: e.INDEXER_REBUILD === '1',
      crossCheck: e.INDEXER_CROSS_CHECK === 'on',
      waitMs: e.READ_WAIT_MS,
    },
  };
}

/** A random secret kept in a 0600 file, so that it survives restarts without being configured. */
function persistentSecret(file: string, bytes: number): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(bytes).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
