#!/usr/bin/env node
// Runs one API instance for one member org: config, logging, the CA and gateway connections,
// listening, and a graceful shutdown (stop accepting, drain, close gateways, then gRPC).
import { CertificateAuthority, connect, Identity, LedgerClient, otherOrgGateway, profileCa, registrarSecret } from '@donation-ledger/client';
import { openStore, ReadModelOptions, ReadModelService, SqlStore, startReadModel } from '@donation-ledger/indexer';
import { NGO_MSP, Role as LedgerRole } from '@donation-ledger/model';
import { Server } from 'node:http';
import { join } from 'node:path';
import pino, { Logger } from 'pino';
import { Account, AccountStore, Role } from './accounts';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config';
import { EventFeed } from './events';
import { IdempotencyStore } from './idempotency';
import { ReadModelAccess } from './read-model';
import { TicketBook, Tokens } from './tokens';
import { ADMIN_USERNAME, LedgerSettings, UserDirectory } from './users';

/** How long a live-feed ticket opens the stream. */
const FEED_TICKET_SECONDS = 30;

export interface RunningApi {
  readonly server: Server;
  readonly url: string;
  readonly adminPassword: string;
  /** The org's database (accounts, identities, read model), for operators' tools and tests in-process. */
  readonly database: SqlStore;
  stop(): Promise<void>;
}

/** Starts an API instance; used by the CLI entry below and by the tests. */
export async function startApi(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningApi> {
  const { profile } = config;
  const authority = new CertificateAuthority(profileCa(profile));
  const registrar = await authority.enroll(profile.registrar.enrollmentId, registrarSecret(profile));
  const ledger = {
    mspId: profile.mspId, gateways: profile.gateways, channel: profile.channel, chaincode: profile.chaincode,
    ...(profile.genesisBlockHash ? { genesisBlockHash: profile.genesisBlockHash } : {}),
    deadlines: { commitStatusMs: config.commitTimeoutMs, statusRecoveryMs: config.commitTimeoutMs },
  };
  const database = await openStore(config.database);
  try {
    return await startServing(config, logger, database, authority, registrar, ledger);
  } catch (err) {
    await database.close();
    throw err;
  }
}

async function startServing(
  config: Config, logger: Logger, database: SqlStore, authority: CertificateAuthority, registrar: Identity, ledger: LedgerSettings,
): Promise<RunningApi> {
  const { profile } = config;
  const accounts = await AccountStore.open(database);
  const users = new UserDirectory(accounts, accounts.wallet(), authority, registrar, ledger, connect, `api-${profile.org}-${config.instanceId}-`);

  const adminRole = profile.mspId === NGO_MSP ? LedgerRole.NgoAdmin : 'org-admin';
  const admin = await ensureAdmin(users, config.adminPassword, adminRole);
  // The instance's own connection (live feed, indexer): its own client, never evicted as idle.
  const service: LedgerClient = await users.ledgerAt(admin, profile.gateways);
  users.startEvicting();
  const events = new EventFeed(service, logger);
  const otherOrgPeer = otherOrgGateway(profile);
  const crossCheck = config.readModel.enabled && config.readModel.crossCheck && otherOrgPeer
    ? { client: await users.ledgerAt(admin, [otherOrgPeer]), name: otherOrgPeer.endpoint }
    : undefined;
  if (config.readModel.crossCheck && !otherOrgPeer) logger.warn('INDEXER_CROSS_CHECK=on, but no other org has a peer: validation codes are not cross-checked');
  const readModel = await openReadModel(config, service, database, logger, {
    chaincode: profile.chaincode,
    ...(profile.genesisBlockHash ? { genesisHash: profile.genesisBlockHash } : {}),
    ...(crossCheck ? { crossCheck: { source: crossCheck.client.blockSource(), name: crossCheck.name } } : {}),
  });
  // Shared through the database, so that a token from one instance of the org works on the others.
  const tokenKey = await accounts.sharedSecret('token-key', 32);
  const idempotency = new IdempotencyStore(database);
  const forgetOldAnswers = setInterval(() => void idempotency.expire().catch((err: unknown) => logger.warn({ err }, 'could not expire idempotency keys')), 3_600_000);
  forgetOldAnswers.unref();
  const app = createApp({
    users, tokens: new Tokens(tokenKey, config.tokenTtlSeconds, `donation-ledger-api:${profile.org}`),
    feedTickets: new TicketBook(new Tokens(tokenKey, FEED_TICKET_SECONDS, `donation-ledger-api:${profile.org}:events`)), service, events, readModel: readModel.access, logger, orgName: profile.org,
    donorSignUp: profile.mspId === 'DonorPlatformMSP', bodyLimit: config.bodyLimit, loginAttemptsPerMinute: config.loginAttemptsPerMinute, expensivePerMinute: config.expensivePerMinute, trustProxy: config.trustProxy,
    idempotency,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const url = `http://${config.host}:${typeof address === 'object' && address ? address.port : config.port}`;
  logger.info({ url, org: profile.org }, 'donation ledger API listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new connections, draining requests');
      clearInterval(forgetOldAnswers);
      events.close(); // ends the open event streams so the server can drain
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      await readModel.service?.close(); // the indexer finishes its block
      crossCheck?.client.close();
      await users.close(); // each user's gateway, then its gRPC client
      service.close();
      await database.close();
      logger.info('stopped');
    })());
  return { server, url, adminPassword: config.adminPassword, database, stop };
}

/** The org's built-in admin account; when instances sharing a database start together, the first makes it. */
async function ensureAdmin(users: UserDirectory, password: string, role: Role): Promise<Account> {
  const existing = await users.get(ADMIN_USERNAME);
  if (existing) return existing;
  try {
    return await users.create(ADMIN_USERNAME, password, role);
  } catch (err) {
    const madeMeanwhile = await users.get(ADMIN_USERNAME);
    if (madeMeanwhile) return madeMeanwhile;
    throw err;
  }
}

/**
 * Starts the indexer in-process. A broken checkpoint does not stop the API: the read model
 * answers 503 saying why and how to rebuild, and everything served from the peers still works.
 */
async function openReadModel(
  config: Config, service: LedgerClient, store: SqlStore, logger: Logger, indexing: Pick<ReadModelOptions, 'chaincode' | 'genesisHash' | 'crossCheck'>,
): Promise<{ service?: ReadModelService; access: ReadModelAccess }> {
  const { enabled, rebuild, waitMs } = config.readModel;
  if (!enabled) return { access: new ReadModelAccess(undefined, 'the read model is turned off (INDEXER=off)', waitMs, service) };
  try {
    const started = await startReadModel({ ...indexing, source: service.blockSource(), store, rebuild, log: (level, message) => logger[level](message) });
    logger.info({ store: store.kind, height: started.indexer.height, crossCheck: indexing.crossCheck?.name ?? 'off' }, 'read model open; indexing');
    return { service: started, access: new ReadModelAccess(started, undefined, waitMs, service) };
  } catch (err) {
    const reason = `the read model cannot be opened: ${(err as Error).message}`;
    logger.error({ err }, reason);
    return { access: new ReadModelAccess(undefined, reason, waitMs, service) };
  }
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel });
  startApi(config, logger).then(
    (api) => {
      process.stderr.write(`API for ${config.profile.org} at ${api.url} (admin password in ${join(config.dataDir, 'admin-password')} unless ADMIN_PASSWORD is set)\n`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void api.stop().then(() => process.exit(0)));
    },
    (err: unknown) => {
      logger.fatal({ err }, 'the API could not start');
      process.exit(1);
    },
  );
}
