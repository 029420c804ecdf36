import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILE_FORMAT } from '@donation-ledger/client';
import { ConfigError, loadConfig } from './config';

describe('the API configuration', () => {
  let site: string;
  beforeEach(() => {
    site = mkdtempSync(join(tmpdir(), 'api-config-'));
    mkdirSync(join(site, 'ca'));
    for (const file of ['ca/ca-cert.pem', 'registrar.secret']) writeFileSync(join(site, file), 'x');
    writeFileSync(join(site, 'profile.json'), JSON.stringify({
      format: PROFILE_FORMAT, org: 'ngo', mspId: 'NgoMSP', channel: 'donations', chaincode: 'donations',
      gateways: [{ endpoint: '127.0.3.1:7351', tlsRootCertPath: 'ca/ca-cert.pem', mspId: 'NgoMSP' }],
      ca: { url: 'https://127.0.3.1:7354', caName: 'ca-ngo', tlsRootCertPath: 'ca/ca-cert.pem' },
      registrar: { enrollmentId: 'registrar', secretPath: 'registrar.secret' },
      identities: {},
    }));
  });
  afterEach(() => rmSync(site, { recursive: true, force: true }));

  test('the org and its data folder come from the connection profile', () => {
    const config = loadConfig({ LEDGER_PROFILE: join(site, 'profile.json') });
    expect(config.profile).toMatchObject({ org: 'ngo', mspId: 'NgoMSP' });
    expect(config.dataDir).toBe(join(site, 'api'));
    expect(config.database).toEqual({ kind: 'embedded', dir: join(site, 'api', 'database') });
    expect(config.trustProxy).toBe(false);
  });

  test("a subset channel's profile gets a data folder of its own: its read model indexes another chain", () => {
    const main = JSON.parse(readFileSync(join(site, 'profile.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(site, 'profile.evidence.json'), JSON.stringify({ ...main, channel: 'evidence' }));
    const config = loadConfig({ LEDGER_PROFILE: join(site, 'profile.evidence.json') });
    expect(config.profile.channel).toBe('evidence');
    expect(config.dataDir).toBe(join(site, 'api-evidence'));
    expect(() => loadConfig({ LEDGER_PROFILE: join(site, 'profile.evidence.json'), LEDGER_CHANNEL: 'donations' }))
      .toThrow(new ConfigError(`LEDGER_CHANNEL is donations, but the profile ${join(site, 'profile.evidence.json')} is of channel evidence`));
  });

  test('a profile that is missing, or names a file that is not there, stops the start with the reason', () => {
    expect(() => loadConfig({ LEDGER_PROFILE: join(site, 'nope.json') })).toThrow(new ConfigError(`connection profile ${join(site, 'nope.json')}: no such file`));
    rmSync(join(site, 'registrar.secret'));
    expect(() => loadConfig({ LEDGER_PROFILE: join(site, 'profile.json') })).toThrow(/registrar\.secretPath names .*registrar\.secret, which does not exist/);
  });

  test("an org name that is not the profile's, and settings out of range, are refused by name", () => {
    expect(() => loadConfig({ LEDGER_PROFILE: join(site, 'profile.json'), LEDGER_ORG: 'donorplatform' })).toThrow("LEDGER_ORG is donorplatform, but the profile");
    expect(() => loadConfig({ LEDGER_PROFILE: join(site, 'profile.json'), PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ LEDGER_PROFILE: join(site, 'profile.json'), DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });
});
