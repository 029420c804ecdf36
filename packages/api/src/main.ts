#!/usr/bin/env node
// Runs one API instance for one member org: config, logging, the CA and gateway connections,
// listening, and a graceful shutdown (stop accepting, drain, close gateways, then gRPC).
import { CertificateAuthority, connect, directoryWallet, LedgerClient } from '@donation-ledger/client';
import { ReadModelOptions, ReadModelService, startReadModel } from '@donation-ledger/indexer';
import { caProfile, clientProfile, findOrg, loadEffectiveTopology, otherOrgGateway, RunPaths } from '@donation-ledger/network';
import { Server } from 'node:http';
import { join } from 'node:path';
import pino, { Logger } from 'pino';
import { AccountStore } from './accounts';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config';
import { EventFeed } from './events';
import { ReadModelAccess } from './read-model';
import { Tokens } from './tokens';
import { ADMIN_USERNAME, UserDirectory } from './users';

export interface RunningApi {
  readonly server: Server;
  readonly url: string;
  readonly adminPassword: string;
  stop(): Promise<void>;
}

/** Starts an API instance; used by the CLI entry below and by the tests. */
export async function startApi(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningApi> {
  const paths = new RunPaths(config.networkRunDir);
  // With the orgs that governance added or removed since the network was created.
  const topology = loadEffectiveTopology(config.topologyFile, paths, config.portOffset);
  const org = findOrg(topology, config.org);
  const ca = caProfile(topology, paths, org.name);
  const authority = new CertificateAuthority(ca);
  const registrar = await authority.enroll(ca.registrarId, ca.registrarSecret);
  const profile = clientProfile(topology, paths, org.name, 'orgadmin');
  const ledger = {
    mspId: org.mspId, gateways: profile.gateways, channel: profile.channel, chaincode: profile.chaincode,
    ...(profile.genesisBlockHash ? { genesisBlockHash: profile.genesisBlockHash } : {}),
    deadlines: { commitStatusMs: config.commitTimeoutMs, statusRecoveryMs: config.commitTimeoutMs },
  };
  const users = new UserDirectory(new AccountStore(config.dataDir), directoryWallet(join(config.dataDir, 'wallet')), authority, registrar, ledger, connect, `api-${org.name}-${config.instanceId}-`);

  const adminRole = org.mspId === 'NgoMSP' ? 'ngo-admin' : 'org-admin';
  const admin = users.get(ADMIN_USERNAME) ?? (await users.create(ADMIN_USERNAME, config.adminPassword, adminRole));
  const service: LedgerClient = await users.ledgerFor(admin);
  const events = new EventFeed(service, logger);
  const otherOrgPeer = otherOrgGateway(topology, paths, org.name);
  const crossCheck = config.readModel.enabled && config.readModel.crossCheck && otherOrgPeer
    ? { client: await users.ledgerAt(admin, [otherOrgPeer]), name: otherOrgPeer.endpoint }
    : undefined;
  if (config.readModel.crossCheck && !otherOrgPeer) logger.warn('INDEXER_CROSS_CHECK=on, but no other org has a peer: validation codes are not cross-checked');
  const readModel = await openReadModel(config, service, logger, {
    chaincode: profile.chaincode,
    ...(profile.genesisBlockHash ? { genesisHash: profile.genesisBlockHash } : {}),
    ...(crossCheck ? { crossCheck: { source: crossCheck.client.blockSource(), name: crossCheck.name } } : {}),
  });
  const app = createApp({
    users, tokens: new Tokens(config.tokenSecret, config.tokenTtlSeconds, `donation-ledger-api:${org.name}`), service, events, readModel: readModel.access, logger, orgName: org.name,
    donorSignUp: org.mspId === 'DonorPlatformMSP', bodyLimit: config.bodyLimit, loginAttemptsPerMinute: config.loginAttemptsPerMinute,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const url = `http://${config.host}:${typeof address === 'object' && address ? address.port : config.port}`;
  logger.info({ url, org: org.name }, 'donation ledger API listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new connections, draining requests');
      events.close(); // ends the open event streams so the server can drain
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      await readModel.service?.close(); // the indexer finishes its block, then the store closes
      crossCheck?.client.close();
      await users.close(); // each user's gateway, then its gRPC client
      logger.info('stopped');
    })());
  return { server, url, adminPassword: config.adminPassword, stop };
}

/**
 * Starts the indexer in-process. A broken checkpoint does not stop the API: the read model
 * answers 503 saying why and how to rebuild, and everything served from the peers still works.
 */
async function openReadModel(
  config: Config, service: LedgerClient, logger: Logger, indexing: Pick<ReadModelOptions, 'chaincode' | 'genesisHash' | 'crossCheck'>,
): Promise<{ service?: ReadModelService; access: ReadModelAccess }> {
  const { enabled, store, rebuild, waitMs } = config.readModel;
  if (!enabled) return { access: new ReadModelAccess(undefined, 'the read model is turned off (INDEXER=off)', waitMs) };
  try {
    const started = await startReadModel({ ...indexing, source: service.blockSource(), store, rebuild, log: (level, message) => logger[level](message) });
    logger.info({ store: store.kind, height: started.indexer.height, crossCheck: indexing.crossCheck?.name ?? 'off' }, 'read model open; indexing');
    return { service: started, access: new ReadModelAccess(started, undefined, waitMs) };
  } catch (err) {
    const reason = `the read model cannot be opened: ${(err as Error).message}`;
    logger.error({ err }, reason);
    return { access: new ReadModelAccess(undefined, reason, waitMs) };
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
      process.stderr.write(`API for ${config.org} at ${api.url} (admin password in ${join(config.dataDir, 'admin-password')} unless ADMIN_PASSWORD is set)\n`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void api.stop().then(() => process.exit(0)));
    },
    (err: unknown) => {
      logger.fatal({ err }, 'the API could not start');
      process.exit(1);
    },
  );
}
