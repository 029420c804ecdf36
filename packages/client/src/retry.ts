// Retrying what is safe to retry. A transaction that failed validation with an MVCC or phantom
// read conflict changed nothing, and neither did one whose endorsement failed for a passing
// reason (errors marked `retryable`), so running the whole submit again (a new transaction, reading
// fresh state) is safe; the backoff is capped and jittered so that conflicting clients spread out.
import { LedgerError } from './errors';

export interface RetryPolicy {
  /** Attempts in all, including the first; 1 disables retries. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Each round of conflicting transactions commits at least one, so N racing writers need at most N attempts. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, initialDelayMs: 50, maxDelayMs: 2_000 };

export function isReadConflict(err: unknown): boolean {
  return err instanceof LedgerError && (err.code === 'MVCC_READ_CONFLICT' || err.code === 'PHANTOM_READ_CONFLICT');
}

/** Runs `attempt` until it succeeds, fails otherwise than by a read conflict, or the attempts run out. */
export async function retryOnReadConflict<T>(policy: RetryPolicy, attempt: (n: number) => Promise<T>, random = Math.random): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const safe = isReadConflict(err) || (err instanceof LedgerError && err.retryable);
      if (!safe || n >= policy.maxAttempts) throw err;
      await new Promise((r) => setTimeout(r, backoffMs(policy, n, random)));
    }
  }
}

/** "Full jitter": a random delay up to an exponentially growing, capped ceiling. */
export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
