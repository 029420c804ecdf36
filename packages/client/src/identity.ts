// Identities: an enrollment certificate and its private key, with the MSP that issued it; read
// from files (naming the file when it cannot be) or kept in a wallet.
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from './errors';

export interface Identity {
  readonly mspId: string;
  /** PEM of the enrollment certificate. */
  readonly certificate: string;
  /** PEM of the private key (PKCS#8). */
  readonly privateKey: string;
}

export interface IdentityFiles {
  readonly certificatePath: string;
  readonly privateKeyPath: string;
}

/** Where identities are kept, by label. Implement it to keep them elsewhere (an HSM, a vault). */
export interface IdentityStore {
  get(label: string): Promise<Identity | undefined>;
  put(label: string, identity: Identity): Promise<void>;
  remove(label: string): Promise<void>;
  list(): Promise<string[]>;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;

function checkLabel(label: string): void {
  if (!LABEL.test(label)) throw new LedgerError('INVALID_ARGUMENT', `wallet label must be 1-128 letters, digits or _.@- , got ${JSON.stringify(label)}`);
}

/** A wallet in a directory: one JSON file per identity, readable only by its owner (0600). */
export function directoryWallet(dir: string): IdentityStore {
  const file = (label: string): string => {
    checkLabel(label);
    return join(dir, `${label}.id.json`);
  };
  return {
    async get(label) {
      try {
        return JSON.parse(await readFile(file(label), 'utf8')) as Identity;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new LedgerError('INVALID_ARGUMENT', `cannot read identity ${label} from ${file(label)}: ${(err as Error).message}`, { cause: err });
      }
    },
    async put(label, identity) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(file(label), JSON.stringify(identity, null, 2), { mode: 0o600 });
      await chmod(file(label), 0o600); // writeFile keeps the mode of a file that already exists
    },
    async remove(label) {
      await rm(file(label), { force: true });
    },
    async list() {
      try {
        return (await readdir(dir)).filter((f) => f.endsWith('.id.json')).map((f) => f.slice(0, -'.id.json'.length)).sort();
      } catch {
        return [];
      }
    },
  };
}

export function memoryWallet(): IdentityStore {
  const identities = new Map<string, Identity>();
  return {
    get: (label) => Promise.resolve(identities.get(label)),
    put: (label, identity) =>
      new Promise<void>((resolve) => {
        checkLabel(label);
        identities.set(label, identity);
        resolve();
      }),
    remove: (label) => Promise.resolve(void identities.delete(label)),
    list: () => Promise.resolve([...identities.keys()].sort()),
  };
}

/** Reads an identity from PEM files; each problem names the file. */
export function identityFromFiles(mspId: string, files: IdentityFiles): Identity {
  return checkIdentity({
    mspId,
    certificate: readText('certificate', files.certificatePath),
    privateKey: readText('private key', files.privateKeyPath),
  }, files);
}

/** Checks that the certificate and key parse and belong together. */
export function checkIdentity(identity: Identity, files?: IdentityFiles): Identity {
  if (typeof identity.mspId !== 'string' || !/^[A-Za-z][A-Za-z0-9.-]{0,63}$/.test(identity.mspId)) {
    throw new LedgerError('INVALID_ARGUMENT', `mspId must be an MSP ID such as DonorPlatformMSP, got ${JSON.stringify(identity.mspId)}`);
  }
  const where = (what: 'certificate' | 'private key'): string =>
    files ? ` in ${what === 'certificate' ? files.certificatePath : files.privateKeyPath}` : '';
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(identity.certificate);
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `the certificate${where('certificate')} is not a PEM X.509 certificate: ${(err as Error).message}`, { cause: err });
  }
  const key = privateKeyOf(identity.privateKey, where('private key'));
  if (!certificate.checkPrivateKey(key)) {
    throw new LedgerError('INVALID_ARGUMENT', `the private key${where('private key')} does not belong to the certificate${where('certificate')}`);
  }
  return identity;
}

export function privateKeyOf(pem: string, where = ''): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `the private key${where} is not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
}

/** When the identity's certificate stops being valid. */
export function certificateExpiry(identity: Identity): Date {
  return new Date(new X509Certificate(identity.certificate).validTo);
}

function readText(what: string, path: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new LedgerError('INVALID_ARGUMENT', `no ${what} file was given`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `cannot read the ${what} file ${path}: ${(err as Error).message}`, { cause: err });
  }
}
