// Two API instances on the test network, one per member org, as the product runs them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, RunningApi, startApi } from '@donation-ledger/api';
import pino from 'pino';
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
  const start = (org: string, dataDir: string): Promise<RunningApi> =>
    startApi(
      loadConfig({
        LEDGER_PROFILE: siteProfile(org), PORT: '0', DATA_DIR: dataDir,
        ADMIN_PASSWORD, LOGIN_ATTEMPTS_PER_MINUTE: String(LOGIN_LIMIT), LOG_LEVEL: 'silent', COMMIT_TIMEOUT_MS: '10000', READ_WAIT_MS: '3000',
      }),
      pino({ level: 'silent' }),
    );
  const donor = await start('donorplatform', dirs.donor);
  const ngo = await start('ngo', dirs.ngo);
  return {
    donor, ngo, dataDirs: dirs,
    async stop() {
      await Promise.all([donor.stop(), ngo.stop()]);
      for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
