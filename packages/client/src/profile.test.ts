import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile, otherOrgGateway, PROFILE_FORMAT, profileConnection, ProfileError, SiteProfileFile } from './profile';

describe('connection profiles', () => {
  let site: string;
  const valid = (): SiteProfileFile => ({
    format: PROFILE_FORMAT,
    org: 'ngo',
    mspId: 'NgoMSP',
    channel: 'donations',
    chaincode: 'donations',
    genesisBlockHash: 'ab'.repeat(32),
    gateways: [
      { endpoint: '127.0.0.1:7051', tlsRootCertPath: 'ca/ca-cert.pem', hostnameOverride: 'localhost', mspId: 'NgoMSP' },
      { endpoint: '127.0.0.1:8051', tlsRootCertPath: '../donorplatform/ca/ca-cert.pem', mspId: 'DonorPlatformMSP' },
    ],
    ca: { url: 'https://127.0.0.1:7054', caName: 'ca-ngo', tlsRootCertPath: 'ca/ca-cert.pem' },
    registrar: { enrollmentId: 'registrar', secretPath: 'registrar.secret' },
    identities: { reader: { certificatePath: 'reader/cert.pem', privateKeyPath: 'reader/key.pem' } },
  });
  const write = (profile: unknown): string => {
    const file = join(site, 'profile.json');
    writeFileSync(file, typeof profile === 'string' ? profile : JSON.stringify(profile));
    return file;
  };
  const problemOf = (profile: unknown): string => {
    try {
      loadProfile(write(profile));
    } catch (err) {
      expect(err).toBeInstanceOf(ProfileError);
      return (err as Error).message;
    }
    throw new Error('the profile was accepted');
  };

  beforeEach(() => {
    const root = mkdtempSync(join(tmpdir(), 'profile-'));
    site = join(root, 'ngo');
    for (const dir of ['ca', 'reader', '../donorplatform/ca']) mkdirSync(join(site, dir), { recursive: true });
    for (const file of ['ca/ca-cert.pem', 'reader/cert.pem', 'reader/key.pem', 'registrar.secret', '../donorplatform/ca/ca-cert.pem']) writeFileSync(join(site, file), 'x');
  });
  afterEach(() => rmSync(join(site, '..'), { recursive: true, force: true }));

  test('a valid profile loads with its paths resolved against its own folder', () => {
    const profile = loadProfile(write(valid()));
    expect(profile.org).toBe('ngo');
    expect(profile.gateways.map((g) => g.tlsRootCertPath)).toEqual([join(site, 'ca/ca-cert.pem'), join(site, '..', 'donorplatform/ca/ca-cert.pem')]);
    expect(profile.identities.reader).toEqual({ certificatePath: join(site, 'reader/cert.pem'), privateKeyPath: join(site, 'reader/key.pem') });
    expect(profileConnection(profile, 'reader')).toMatchObject({ mspId: 'NgoMSP', channel: 'donations', genesisBlockHash: 'ab'.repeat(32) });
    expect(otherOrgGateway(profile)?.mspId).toBe('DonorPlatformMSP');
  });

  test.each<[string, (p: SiteProfileFile) => unknown, RegExp]>([
    ['a missing file', () => undefined, /no such file/],
    ['broken JSON', () => '{"format":', /not readable JSON/],
    ['another format', (p) => ({ ...p, format: 'fabric-network@1' }), /format must be "donation-ledger\/profile@1"/],
    ['no gateways', (p) => ({ ...p, gateways: [] }), /gateways must be a non-empty list/],
    ["another org's peer first", (p) => ({ ...p, gateways: [...p.gateways].reverse() }), /gateways\[0\] must be a peer of NgoMSP itself/],
    ['an endpoint without a port', (p) => ({ ...p, gateways: [{ ...p.gateways[0], endpoint: 'peer0' }] }), /gateways\[0\]\.endpoint "peer0" does not match/],
    ['a TLS root that is not there', (p) => ({ ...p, ca: { ...p.ca, tlsRootCertPath: 'nope.pem' } }), /ca\.tlsRootCertPath names .*nope\.pem, which does not exist/],
    ['an identity file that is not there', (p) => ({ ...p, identities: { reader: { certificatePath: 'reader/cert.pem', privateKeyPath: 'gone.pem' } } }), /identities\.reader\.privateKeyPath names .*gone\.pem/],
    ['a short genesis hash', (p) => ({ ...p, genesisBlockHash: 'abc' }), /genesisBlockHash "abc" does not match/],
    ['a CA over plain HTTP', (p) => ({ ...p, ca: { ...p.ca, url: 'http://127.0.0.1:7054' } }), /ca\.url/],
  ])('a profile with %s is refused, naming the problem', (_what, change, problem) => {
    const profile = change(valid());
    if (profile === undefined) {
      expect(() => loadProfile(join(site, 'absent.json'))).toThrow(problem);
      return;
    }
    expect(problemOf(profile)).toMatch(problem);
  });

  test('asking for an identity the profile does not have names the ones it has', () => {
    expect(() => profileConnection(loadProfile(write(valid())), 'orgadmin')).toThrow(/has no identity "orgadmin"; it has: reader/);
  });
});
