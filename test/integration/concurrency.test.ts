// No hot key on the donation path: many donations to one NGO at once all commit.
import { LedgerClient } from '@donation-ledger/client';
import { connectAs, connectPayments, ensureNgo, settle, uniqueId } from './harness';

describe('concurrent donations', () => {
  test('50 donations to one NGO submitted at once all commit, with no read conflict', async () => {
    const admin = await connectAs('ngo', 'ngoadmin1');
    const donors: LedgerClient[] = [await connectAs('donorplatform', 'donor1'), await connectAs('donorplatform', 'donor2')];
    const payments = await connectPayments();
    const ngoId = uniqueId('ngo');
    try {
      await ensureNgo(admin, ngoId);
      const ids = Array.from({ length: 50 }, (_, i) => uniqueId(`don${i}`));
      const started = Date.now();
      const results = await Promise.allSettled(
        ids.map((id, i) => (donors[i % 2] as LedgerClient).donate({ id, ngoId, amount: i + 1, currency: 'EUR' })),
      );
      const elapsed = Date.now() - started;
      const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r).reason));
      expect(failures).toEqual([]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.attempts : 0))).toEqual(Array(50).fill(1));
      process.stderr.write(`[concurrency] 50 concurrent donations committed in ${elapsed} ms\n`);

      // Read through the peer that confirmed the commits: another org's peer may be a block behind.
      const reader = donors[0] as LedgerClient;
      const listed = await reader.listDonationsByNgo(ngoId, { pageSize: 100 });
      expect(listed.records).toHaveLength(50);
      // Pledges are not money yet: once the payment service settles them (one batch), every one counts.
      expect((await reader.readBalance(ngoId)).balances).toEqual([]);
      await settle(payments, ids);
      const balance = await reader.readBalance(ngoId);
      expect(balance.balances).toEqual([{ campaignId: '', currency: 'EUR', unspent: String((50 * 51) / 2) }]);
    } finally {
      admin.close();
      payments.close();
      for (const d of donors) d.close();
    }
  });
});
