import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerError } from './errors';
import { directoryWallet, identityFromFiles, memoryWallet } from './identity';

describe('wallets', () => {
  const identity = { mspId: 'DonorPlatformMSP', certificate: 'CERT', privateKey: 'KEY' };

  test('a directory wallet keeps each identity in a file only its owner can read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wallet-'));
    try {
      const wallet = directoryWallet(join(dir, 'w'));
      await wallet.put('donor-1', identity);
      expect(await wallet.get('donor-1')).toEqual(identity);
      expect(statSync(join(dir, 'w', 'donor-1.id.json')).mode & 0o777).toBe(0o600);
      expect(await wallet.list()).toEqual(['donor-1']);
      await wallet.remove('donor-1');
      expect(await wallet.get('donor-1')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('labels that could escape the wallet directory are refused', async () => {
    await expect(directoryWallet('/tmp/w').get('../etc/passwd')).rejects.toBeInstanceOf(LedgerError);
    await expect(memoryWallet().put('a/b', identity)).rejects.toBeInstanceOf(LedgerError);
  });
});

describe('identity files', () => {
  test('an unreadable or malformed file is named in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-'));
    try {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      writeFileSync(join(dir, 'key.pem'), key);
      writeFileSync(join(dir, 'cert.pem'), 'not a certificate');
      expect(() => identityFromFiles('DonorPlatformMSP', { certificatePath: join(dir, 'missing.pem'), privateKeyPath: join(dir, 'key.pem') })).toThrow(
        `cannot read the certificate file ${join(dir, 'missing.pem')}`,
      );
      expect(() => identityFromFiles('DonorPlatformMSP', { certificatePath: join(dir, 'cert.pem'), privateKeyPath: join(dir, 'key.pem') })).toThrow(
        `the certificate in ${join(dir, 'cert.pem')} is not a PEM X.509 certificate`,
      );
      expect(() => identityFromFiles('not an msp!', { certificatePath: join(dir, 'cert.pem'), privateKeyPath: join(dir, 'key.pem') })).toThrow('mspId must be');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
