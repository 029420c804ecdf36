// Retries that cannot write twice: writes take an `Idempotency-Key` header (IETF httpapi
// "The Idempotency-Key HTTP Header Field"). The first answer to a key is kept in the org's
// database, so every instance of the API replays it; the same key with another request is 422;
// a key whose first request is still running is 409. Keys belong to the user who sent them.
import { createHash } from 'node:crypto';
import { SqlStore } from '@donation-ledger/indexer';
import { ApiError } from './problems';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** A first request that has not finished in this time is taken to have died with its process. */
const ABANDONED_AFTER_MS = 5 * 60_000;
/** How long an answer is kept for replay. */
export const KEEP_ANSWERS_MS = 24 * 3_600_000;

export type Claim =
  | { readonly kind: 'first' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown };

/** A key as the draft defines it (a structured-field string): printable ASCII, 1-255 characters. */
export function requireKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x20-\x7e]{1,255}$/.test(value)) {
    throw new ApiError(400, 'INVALID_REQUEST', `the ${IDEMPOTENCY_HEADER} header must be 1-255 printable ASCII characters, such as a UUID`);
  }
  return value;
}

/** What makes two requests "the same": method, path and body (as parsed JSON). */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/** A ledger ID for a write the client named only by its key: a retry of it names the same record. */
export function idFromKey(prefix: string, owner: string, key: string): string {
  return `${prefix}-${createHash('sha256').update(`${owner}\n${key}`).digest('hex').slice(0, 40)}`;
}

/** What the routes use of the store (a fake in component tests). */
export type Idempotency = Pick<IdempotencyStore, 'claim' | 'keep' | 'release'>;

export class IdempotencyStore {
  constructor(
    private readonly db: SqlStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Claims `key` for a request: `first` when this request is to run (nobody ran it, or its first
   * run died), `replay` with the kept answer when it already ran. 422 for the key of another
   * request; 409 while the first run of this one is still going.
   */
  async claim(owner: string, key: string, fingerprint: string): Promise<Claim> {
    const now = this.now();
    const inserted = await this.db.query(
      `insert into api_idempotency (owner, key, fingerprint, status, body, started_at) values ($1, $2, $3, null, null, $4)
       on conflict (owner, key) do nothing returning key`,
      [owner, key, fingerprint, now],
    );
    if (inserted.length > 0) return { kind: 'first' };
    const [row] = await this.db.query<{ fingerprint: string; status: number | null; body: unknown; started_at: string }>(
      'select fingerprint, status, body, started_at from api_idempotency where owner = $1 and key = $2', [owner, key],
    );
    if (!row) return this.claim(owner, key, fingerprint); // released meanwhile
    if (row.fingerprint !== fingerprint) {
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', `the ${IDEMPOTENCY_HEADER} was already used for a different request; use a new key for a new request`);
    }
    if (row.status !== null) return { kind: 'replay', status: row.status, body: row.body };
    if (now - Number(row.started_at) < ABANDONED_AFTER_MS) {
      throw new ApiError(409, 'IDEMPOTENCY_KEY_IN_USE', `a request with this ${IDEMPOTENCY_HEADER} is still being processed; send it again in a moment`);
    }
    // The first run died before answering: whoever updates the start time first runs it again.
    const taken = await this.db.query('update api_idempotency set started_at = $3 where owner = $1 and key = $2 and status is null and started_at = $4 returning key',
      [owner, key, now, row.started_at]);
    if (taken.length === 0) throw new ApiError(409, 'IDEMPOTENCY_KEY_IN_USE', `a request with this ${IDEMPOTENCY_HEADER} is being processed; send it again in a moment`);
    return { kind: 'first' };
  }

  /** Keeps the answer of the first run, for the retries. */
  async keep(owner: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.query('update api_idempotency set status = $3, body = $4 where owner = $1 and key = $2', [owner, key, status, JSON.stringify(body)]);
  }

  /**
   * Forgets a key whose request failed: a retry runs it again. Safe because a write's ledger ID
   * is fixed by the request (or derived from the key), so a write that did land is found as such.
   */
  async release(owner: string, key: string): Promise<void> {
    await this.db.query('delete from api_idempotency where owner = $1 and key = $2 and status is null', [owner, key]);
  }

  /** Drops answers older than KEEP_ANSWERS_MS. */
  async expire(): Promise<number> {
    return (await this.db.query('delete from api_idempotency where started_at < $1 returning key', [this.now() - KEEP_ANSWERS_MS])).length;
  }
}
