// X.509 certificates as the verifier needs them, read with the DER reader and checked with
// WebCrypto: who issued a certificate (and did that CA's key sign it), its subject's OUs (how
// Fabric's NodeOUs give an identity its role), whether it is a CA, and its public key.
import { equalBytes, fromBase64, utf8 } from './bytes';
import { children, Der, ecdsaDerToRaw, oidText, readDer } from './der';

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  ed25519: '1.3.101.112',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  commonName: '2.5.4.3',
  organizationalUnit: '2.5.4.11',
  basicConstraints: '2.5.29.19',
} as const;

/** WebCrypto's key type, named without the DOM library (the package compiles with Node's types). */
type CryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

type KeyKind = { readonly name: 'ECDSA'; readonly namedCurve: 'P-256' | 'P-384'; readonly size: number } | { readonly name: 'Ed25519' };

export interface Certificate {
  /** The whole certificate, DER. */
  readonly der: Uint8Array;
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly commonName: string;
  readonly organizationalUnits: readonly string[];
  readonly isCa: boolean;
  /** Verifies a signature made with this certificate's key (ECDSA in DER, as Fabric and X.509 write them); Fabric hashes with SHA-256. */
  verify(data: Uint8Array, signature: Uint8Array, hash?: 'SHA-256' | 'SHA-384'): Promise<boolean>;
  /** Whether `ca` issued this certificate: names match and the CA's key signed it. */
  issuedBy(ca: Certificate): Promise<boolean>;
}

/** Parses a certificate from PEM (as Fabric's MSPs and identities hold them) or DER bytes. */
export function parseCertificate(bytes: Uint8Array): Certificate {
  const der = bytes[0] === 0x30 ? bytes : pemToDer(utf8(bytes));
  const [certificate] = readDer(der);
  const [tbs, algorithm, signatureValue] = children(certificate);
  if (!tbs || !algorithm || !signatureValue || signatureValue.tag !== 0x03) throw new Error('not an X.509 certificate');
  const fields = children(tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional
  const [, , issuer, , subject, spki] = fields.slice(offset);
  if (!issuer || !subject || !spki) throw new Error('not an X.509 certificate');
  const extensions = fields.slice(offset + 6).find((f) => f.tag === 0xa3);
  const attributes = nameAttributes(subject);
  const key = publicKeyOf(spki);
  const signatureAlgorithm = oidOf(children(algorithm)[0]);
  const signature = signatureValue.contents.subarray(1); // BIT STRING: first byte counts unused bits
  let imported: Promise<CryptoKey> | undefined;
  const cryptoKey = (): Promise<CryptoKey> => (imported ??= globalThis.crypto.subtle.importKey('spki', spki.encoded, key.kind, false, ['verify']));
  const verify = async (data: Uint8Array, sig: Uint8Array, hash: 'SHA-256' | 'SHA-384' = 'SHA-256'): Promise<boolean> => {
    try {
      if (key.kind.name === 'Ed25519') return await globalThis.crypto.subtle.verify('Ed25519', await cryptoKey(), sig, data);
      return await globalThis.crypto.subtle.verify({ name: 'ECDSA', hash }, await cryptoKey(), ecdsaDerToRaw(sig, key.kind.size), data);
    } catch {
      return false; // a malformed signature does not verify
    }
  };
  const parsed: Certificate = {
    der: certificate.encoded,
    subjectDer: subject.encoded,
    issuerDer: issuer.encoded,
    commonName: attributes.find(([oid]) => oid === OID.commonName)?.[1] ?? '?',
    organizationalUnits: attributes.filter(([oid]) => oid === OID.organizationalUnit).map(([, value]) => value),
    isCa: extensions ? isCaExtension(extensions) : false,
    verify,
    async issuedBy(ca) {
      if (!equalBytes(parsed.issuerDer, ca.subjectDer)) return false;
      const hash = signatureAlgorithm === OID.ecdsaSha384 ? 'SHA-384' : 'SHA-256';
      if (![OID.ecdsaSha256, OID.ecdsaSha384, OID.ed25519].includes(signatureAlgorithm as never)) return false;
      return ca.verify(tbs.encoded, signature, hash);
    },
  };
  return parsed;
}

function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) throw new Error('not a PEM certificate');
  return fromBase64(match[1].replace(/\s+/g, ''));
}

function oidOf(element: Der | undefined): string {
  if (element?.tag !== 0x06) throw new Error('expected an object identifier');
  return oidText(element.contents);
}

/** [OID, value] of each attribute of a Name (RDNSequence), in order. */
function nameAttributes(name: Der): [string, string][] {
  return children(name).flatMap((set) => children(set).map((attribute): [string, string] => {
    const [type, value] = children(attribute);
    return [oidOf(type), value ? utf8(value.contents) : ''];
  }));
}

function publicKeyOf(spki: Der): { kind: KeyKind } {
  const [algorithm] = children(spki);
  const [type, parameters] = algorithm ? children(algorithm) : [];
  const oid = oidOf(type);
  if (oid === OID.ed25519) return { kind: { name: 'Ed25519' } };
  if (oid !== OID.ecPublicKey) throw new Error(`a public key of type ${oid}, which Fabric does not use`);
  const curve = oidOf(parameters);
  if (curve === OID.p256) return { kind: { name: 'ECDSA', namedCurve: 'P-256', size: 32 } };
  if (curve === OID.p384) return { kind: { name: 'ECDSA', namedCurve: 'P-384', size: 48 } };
  throw new Error(`an EC key on curve ${curve}, which is not supported`);
}

function isCaExtension(extensions: Der): boolean {
  const [list] = children(extensions);
  for (const extension of list ? children(list) : []) {
    const parts = children(extension);
    if (oidOf(parts[0]) !== OID.basicConstraints) continue;
    const value = parts.at(-1);
    if (!value) return false;
    const [constraints] = readDer(value.contents);
    const [cA] = children(constraints);
    return cA?.tag === 0x01 && cA.contents[0] !== 0;
  }
  return false;
}
