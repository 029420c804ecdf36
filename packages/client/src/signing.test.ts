import { generateKeyPairSync, verify } from 'node:crypto';
import { messageSigner, p256LowS } from './signing';

const HALF_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') >> 1n;

/** S of a DER ECDSA signature. */
function sOf(der: Uint8Array): bigint {
  const b = Buffer.from(der);
  const rLength = b[3] ?? 0;
  const sLength = b[5 + rLength] ?? 0;
  return BigInt(`0x${b.subarray(6 + rLength, 6 + rLength + sLength).toString('hex')}`);
}

describe('native message signing', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sign = messageSigner(privateKey);

  test('signatures verify as SHA-256 ECDSA in DER, and S is always in the lower half', async () => {
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`message ${i}`);
      const signature = await sign(message);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      expect(sOf(signature) <= HALF_ORDER).toBe(true);
    }
  });

  test('a high S is replaced by n - S', () => {
    const rs = Buffer.alloc(64, 0);
    rs[31] = 1; // r = 1
    Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550', 'hex').copy(rs, 32); // s = n - 1
    expect(sOf(p256LowS(rs))).toBe(1n);
  });

  test('other curves fall back to the gateway SDK signer over a SHA-256 digest', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const signature = await messageSigner(p384.privateKey)(Buffer.from('hello'));
    expect(verify('sha256', Buffer.from('hello'), { key: p384.publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
  });
});
