import { LedgerError } from './errors';
import { backoffMs, retryOnReadConflict } from './retry';

const policy = { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 4 };

describe('retrying read conflicts', () => {
  test('an MVCC conflict is retried as a new attempt until it succeeds', async () => {
    const seen: number[] = [];
    const result = await retryOnReadConflict(policy, (n) => {
      seen.push(n);
      if (n < 3) return Promise.reject(new LedgerError('MVCC_READ_CONFLICT', 'conflict'));
      return Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  test('gives up after maxAttempts with the last conflict', async () => {
    let calls = 0;
    await expect(
      retryOnReadConflict(policy, () => {
        calls++;
        return Promise.reject(new LedgerError('PHANTOM_READ_CONFLICT', 'phantom'));
      }),
    ).rejects.toMatchObject({ code: 'PHANTOM_READ_CONFLICT' });
    expect(calls).toBe(4);
  });

  test('an endorsement failure marked retryable (nothing was ordered) is retried', async () => {
    let calls = 0;
    const result = await retryOnReadConflict(policy, () =>
      ++calls < 2 ? Promise.reject(new LedgerError('ENDORSEMENT_FAILED', 'payloads differ', { retryable: true })) : Promise.resolve('ok'),
    );
    expect([result, calls]).toEqual(['ok', 2]);
  });

  test.each(['NOT_FOUND', 'ENDORSEMENT_POLICY_FAILURE', 'STATUS_UNKNOWN', 'ENDORSEMENT_FAILED'] as const)('%s is never retried unless marked retryable', async (code) => {
    let calls = 0;
    await expect(
      retryOnReadConflict(policy, () => {
        calls++;
        return Promise.reject(new LedgerError(code, 'no'));
      }),
    ).rejects.toMatchObject({ code });
    expect(calls).toBe(1);
  });

  test('the backoff grows exponentially up to its cap, with jitter below the ceiling', () => {
    const big = { maxAttempts: 10, initialDelayMs: 50, maxDelayMs: 2000 };
    expect([1, 2, 3, 4, 7].map((n) => backoffMs(big, n, () => 0.999999))).toEqual([49, 99, 199, 399, 1999]);
    expect(backoffMs(big, 3, () => 0)).toBe(0);
  });
});
