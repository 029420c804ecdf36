// The loader: builds a large ledger through the normal transactions (each donation pledged by a
// donor, settled by the payment service 500 to a settlement), so that every cost can be measured
// at 10^3 to 10^6 donations. It is resumable without a state file: the ledger is the state.
// Donation i is `load-<i>` in settlement `load-b<k>` (k = i / 500); a settlement that exists is
// done, a pledge that exists (ALREADY_EXISTS after a kill) is reused, and settling the same
// batch again is a no-op (idempotent by batch ID).
import { LedgerClient, LedgerError } from '@donation-ledger/client';
import { MAX_SETTLEMENT_BATCH } from '@donation-ledger/model';

/** NGOs the loaded donations are spread over (load-ngo-0 ...), as a busy consortium's would be. */
const LOAD_NGOS = 10;
const CURRENCY = 'EUR';

export interface LoaderClients {
  /** Donors pledging in turn. */
  readonly donors: readonly LedgerClient[];
  readonly payments: LedgerClient;
  /** An NGO org admin: registers the NGOs donations go to. */
  readonly ngoAdmin: LedgerClient;
}

export interface PreloadResult {
  /** Donations that were already settled when the loader started. */
  readonly found: number;
  /** Donations this run pledged and settled. */
  readonly loaded: number;
  readonly seconds: number;
}

export const loadNgoId = (i: number): string => `load-ngo-${i % LOAD_NGOS}`;
const donationId = (i: number): string => `load-${i}`;
const batchId = (k: number): string => `load-b${k}`;

/** Makes the ledger hold at least `target` loaded, settled donations; pledges `concurrency` at a time. */
export async function preload(clients: LoaderClients, target: number, concurrency: number, log: (m: string) => void): Promise<PreloadResult> {
  const started = Date.now();
  for (let n = 0; n < LOAD_NGOS; n++) {
    await clients.ngoAdmin.registerNgo({ id: loadNgoId(n), name: `Load NGO ${n}` }).catch(ignore('ALREADY_EXISTS'));
  }
  const batches = Math.ceil(target / MAX_SETTLEMENT_BATCH);
  const first = await firstUnsettledBatch(clients.payments, batches);
  const found = Math.min(target, first * MAX_SETTLEMENT_BATCH);
  if (found > 0) log(`preload: ${found} donations were loaded before; resuming at settlement ${batchId(first)}`);
  let settling: Promise<unknown> = Promise.resolve();
  for (let k = first; k < batches; k++) {
    const ids = range(k * MAX_SETTLEMENT_BATCH, Math.min(target, (k + 1) * MAX_SETTLEMENT_BATCH));
    await inParallel(ids, concurrency, async (i, w) => {
      const donor = clients.donors[w % clients.donors.length] as LedgerClient;
      await donor.donate({ id: donationId(i), ngoId: loadNgoId(i), amount: 100, currency: CURRENCY }).catch(ignore('ALREADY_EXISTS'));
    });
    // Settles while the next batch is pledged; one settlement at a time, in order.
    await settling;
    settling = clients.payments.settleDonations({ batchId: batchId(k), settlements: ids.map((i) => ({ donationId: donationId(i), paymentRef: `pay-${i}` })) });
    const done = ids[ids.length - 1]! + 1;
    if (k === batches - 1 || (done - found) % 5000 === 0) {
      const rate = (done - found) / Math.max(0.001, (Date.now() - started) / 1000);
      log(`preload: ${done} of ${target} donations pledged (${rate.toFixed(0)}/s, about ${Math.ceil((target - done) / rate / 60)} min left)`);
    }
  }
  await settling;
  return { found, loaded: target - found, seconds: (Date.now() - started) / 1000 };
}

/** The first settlement of the loader's sequence that the ledger does not hold (binary search: they are made in order). */
async function firstUnsettledBatch(payments: LedgerClient, batches: number): Promise<number> {
  let [low, high] = [0, batches];
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    const exists = await payments.readSettlement(batchId(mid)).then(() => true, (err: unknown) => {
      if (err instanceof LedgerError && err.code === 'NOT_FOUND') return false;
      throw err;
    });
    if (exists) low = mid + 1;
    else high = mid;
  }
  return low;
}

function ignore(code: string): (err: unknown) => void {
  return (err) => {
    if (!(err instanceof LedgerError && err.code === code)) throw err;
  };
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, j) => from + j);

/** Runs `work` for each item, `concurrency` at a time; `w` is the worker's number. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, w: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async (_, w) => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T, w);
  }));
}
