// Spend latency by pool size: a spend reads the queue of settled money only as far as it needs,
// so its cost must not grow with the pool, and money settled into the pool meanwhile must not
// make it fail. This fills a campaign's pool with N settled donations, then measures spends
// while a trickle of new donations keeps settling into the same pool.
import { LedgerClient } from '@donation-ledger/client';
import { MAX_SETTLEMENT_BATCH } from '@donation-ledger/model';

/** Pledges in flight while filling a pool. */
const FILL_CONCURRENCY = 32;

export interface PoolClients {
  readonly donors: readonly LedgerClient[];
  readonly payments: LedgerClient;
  readonly staff: LedgerClient;
}

/** Opens a campaign of `ngoId` and fills its pool with `size` settled donations of 100 minor units. */
export async function fillPool(clients: PoolClients, ngoId: string, campaignId: string, size: number, log: (m: string) => void): Promise<void> {
  const now = Date.now();
  await clients.staff.createCampaign({
    id: campaignId, ngoId, name: `Pool of ${size}`, goal: String(size * 100), currency: 'EUR',
    opensAt: new Date(now - 3_600_000).toISOString(), closesAt: new Date(now + 30 * 86_400_000).toISOString(),
  });
  let next = 0;
  let pledged: string[] = [];
  const settlements: Promise<unknown>[] = [];
  const settle = (ids: string[]): void => {
    settlements.push(clients.payments.settleDonations({ batchId: `${campaignId}-b${settlements.length}`, settlements: ids.map((donationId) => ({ donationId, paymentRef: donationId })) }));
  };
  const worker = async (w: number): Promise<void> => {
    for (let i = next++; i < size; i = next++) {
      const id = `${campaignId}-d${i}`;
      await (clients.donors[w % clients.donors.length] as LedgerClient).donate({ id, ngoId, campaignId, amount: 100, currency: 'EUR' });
      pledged.push(id);
      if (pledged.length >= MAX_SETTLEMENT_BATCH) {
        settle(pledged);
        pledged = [];
      }
      if (i > 0 && i % 5000 === 0) log(`pool ${campaignId}: ${i} of ${size} pledged`);
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, (_, w) => worker(w)));
  if (pledged.length > 0) settle(pledged);
  await Promise.all(settlements);
  log(`pool ${campaignId}: ${size} donations settled`);
}

/** Keeps settling one new donation into the pool every `everyMs` until stopped. */
export function trickle(clients: PoolClients, ngoId: string, campaignId: string, everyMs: number): { stop: () => Promise<number> } {
  let stopped = false;
  let count = 0;
  const loop = (async () => {
    while (!stopped) {
      const id = `${campaignId}-t${count++}`;
      await clients.donors[0]!.donate({ id, ngoId, campaignId, amount: 100, currency: 'EUR' });
      await clients.payments.settleDonations({ batchId: id, settlements: [{ donationId: id, paymentRef: id }] });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return { stop: async () => {
    stopped = true;
    await loop;
    return count;
  } };
}
