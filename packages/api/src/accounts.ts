// User accounts of one API instance: a password (hashed with scrypt) and the Fabric identity the
// API acts with for that user (kept in a wallet, key files 0600). Stored in one JSON file, written
// atomically; enough for one instance. A larger deployment puts this behind the same interface in
// its user database.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

export type Role = 'donor' | 'ngo-staff' | 'ngo-admin' | 'org-admin';

export interface Account {
  readonly username: string;
  readonly role: Role;
  /** For NGO staff: the NGO they work for. */
  readonly ngoId?: string;
  /** The Fabric identity's label in the wallet. */
  readonly walletLabel: string;
  readonly passwordHash: string;
  readonly createdAt: string;
}

// scrypt parameters: N=2^15, r=8, p=1 (about 32 MiB and tens of milliseconds per hash).
const SCRYPT = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return timingSafeEqual(actual, expected);
}

export class AccountStore {
  private readonly file: string;
  private accounts: Map<string, Account>;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'accounts.json');
    this.accounts = new Map(
      existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Account[]).map((a) => [a.username, a]) : [],
    );
  }

  get(username: string): Account | undefined {
    return this.accounts.get(username);
  }

  has(username: string): boolean {
    return this.accounts.has(username);
  }

  add(account: Account): void {
    this.accounts.set(account.username, account);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.accounts.values()], null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
