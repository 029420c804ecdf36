// Two API instances on the test network, one per member org, as the product runs them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, RunningApi, startApi } from '@donation-ledger/api';
import pino from 'pino';
import request from 'supertest';
import { seedEmptyDatabase } from '../../packages/indexer/src/test-support/scratch-store';
import { siteProfile } from './harness';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const LOGIN_LIMIT = 40;

export interface Apis {
  readonly donor: RunningApi;
  readonly ngo: RunningApi;
  readonly dataDirs: { readonly donor: string; readonly ngo: string };
  stop(): Promise<void>;
}

export async function startApis(): Promise<Apis> {
  const dirs = { donor: mkdtempSync(join(tmpdir(), 'api-donor-')), ngo: mkdtempSync(join(tmpdir(), 'api-ngo-')) };
  // Each API opens its embedded database in <DATA_DIR>/database: an empty one from the cached
  // initdb copy, instead of initdb twice per test file. (bench.test.ts starts an API on an empty
  // DATA_DIR, which runs initdb itself.)
  for (const dir of Object.values(dirs)) await seedEmptyDatabase(join(dir, 'database'));
  // Independent (each org's own CA, peers and folder): started side by side, as the sites would.
  const [donor, ngo] = await Promise.all([startInstance('donorplatform', dirs.donor), startInstance('ngo', dirs.ngo)]);
  return {
    donor, ngo, dataDirs: dirs,
    async stop() {
      await Promise.all([donor.stop(), ngo.stop()]);
      for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An API instance of `org` on `dataDir` with the tests' settings, `settings` over them. */
function startInstance(org: string, dataDir: string, settings: Record<string, string> = {}): Promise<RunningApi> {
  return startApi(
    loadConfig({
      LEDGER_PROFILE: siteProfile(org), PORT: '0', DATA_DIR: dataDir,
      ADMIN_PASSWORD, LOGIN_ATTEMPTS_PER_MINUTE: String(LOGIN_LIMIT), LOG_LEVEL: 'silent', COMMIT_TIMEOUT_MS: '10000', READ_WAIT_MS: '3000',
      ...settings,
    }),
    pino({ level: 'silent' }),
  );
}

/**
 * One more API instance of `org`, on a database of its own, with `settings` (environment
 * variables, as loadConfig reads them) over the tests' own: for a test that needs, for example,
 * another login limit. `stop` stops it and removes its folder.
 */
export async function startExtraApi(org: string, settings: Record<string, string>): Promise<{ api: RunningApi; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `api-${org}-`));
  await seedEmptyDatabase(join(dir, 'database'));
  const api = await startInstance(org, dir, settings).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    api,
    async stop() {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A session of the donor platform's payment service on its API: the org admin creates the
 * account the first time (one per Apis), then it logs in.
 */
export async function paymentsToken(apis: Apis): Promise<string> {
  const api = request(apis.donor.server);
  const login = (username: string, password: string): request.Test => api.post('/api/sessions').send({ username, password });
  const existing = await login('payments', PAYMENTS_PASSWORD);
  if (existing.status === 201) return (existing.body as { token: string }).token;
  const admin = (await login('admin', ADMIN_PASSWORD)).body as { token: string };
  await api.post('/api/accounts/payments').set('Authorization', `Bearer ${admin.token}`).send({ username: 'payments', password: PAYMENTS_PASSWORD }).expect(201);
  return ((await login('payments', PAYMENTS_PASSWORD).expect(201)).body as { token: string }).token;
}

const PAYMENTS_PASSWORD = 'payments-password-for-tests';

/** Settles pledges through the donor platform's API, as its payment service does when money arrives. */
export async function settleThroughApi(apis: Apis, donationIds: readonly string[]): Promise<{ blockNumber: string; transactionId: string }> {
  const token = await paymentsToken(apis);
  const batch = { batchId: `batch-${randomUUID()}`, settlements: donationIds.map((donationId) => ({ donationId, paymentRef: `psp-${donationId}` })) };
  const res = await request(apis.donor.server).post('/api/settlements').set('Authorization', `Bearer ${token}`).send(batch).expect(201);
  return res.body as { blockNumber: string; transactionId: string };
}
