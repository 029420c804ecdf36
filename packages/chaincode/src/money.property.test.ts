// Money is conserved through every life a donation can have. fast-check drives random sequences
// of pledges, settlements, cancellations, spends, refunds and the passing of time against the
// in-memory ledger, and after each step the ledger's own records must add up.
import fc from 'fast-check';
import { DONOR_PLATFORM_MSP, ErrorCode, NGO_MSP, Role } from '@donation-ledger/model';
import { codeOf, FakeIdentity, FakeLedger } from './test-support/fake-context';
import { DonationContract } from './contract';
import { AllocationRecord, Donation, Page, Spend } from './records';

const contract = new DonationContract();
const ngoAdmin: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoAdmin, name: 'ngoadmin1' };
const staff: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoStaff, ngoId: 'ngo-a', name: 'staff-a' };
const donors: FakeIdentity[] = [1, 2, 3].map((n) => ({ mspId: DONOR_PLATFORM_MSP, role: Role.Donor, name: `donor${n}` }));
const payments: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Payments, name: 'payments1' };
/** Codes a random step may meet; anything else (a crash, a TypeError) fails the property. */
const EXPECTED_REFUSALS = new Set<string | undefined>([ErrorCode.InsufficientFunds, ErrorCode.Conflict, ErrorCode.Expired, ErrorCode.NotFound, ErrorCode.Forbidden, undefined]);

type Step =
  | { kind: 'pledge'; donor: number; amount: number }
  | { kind: 'settle'; picks: number[] }
  | { kind: 'cancel'; pick: number }
  | { kind: 'spend'; amount: number }
  | { kind: 'refund'; pick: number; amount: number | undefined }
  | { kind: 'wait'; hours: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('pledge' as const), donor: fc.nat(2), amount: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('settle' as const), picks: fc.array(fc.nat(40), { minLength: 1, maxLength: 5 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(40) }),
  fc.record({ kind: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 2500 }) }),
  fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(40), amount: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 100 }) }),
);

class Run {
  readonly ledger = new FakeLedger();
  readonly ids: string[] = [];
  private batches = 0;

  /** Runs one step; returns the spend when one was recorded. */
  async apply(s: Step): Promise<Spend | undefined> {
    const pick = (n: number): string => this.ids[n % Math.max(this.ids.length, 1)] ?? 'none';
    let result: Promise<unknown>;
    switch (s.kind) {
      case 'pledge': {
        const id = `d${this.ids.length}`;
        this.ids.push(id);
        result = this.ledger.submit(donors[s.donor] as FakeIdentity, (ctx) => contract.Donate(ctx, JSON.stringify({ id, ngoId: 'ngo-a', amount: String(s.amount), currency: 'EUR' })));
        break;
      }
      case 'settle': {
        const settlements = [...new Set(s.picks.map(pick))].map((donationId) => ({ donationId, paymentRef: `psp-${donationId}` }));
        result = this.ledger.submit(payments, (ctx) => contract.SettleDonations(ctx, JSON.stringify({ batchId: `b${++this.batches}`, settlements })));
        break;
      }
      case 'cancel':
        result = this.ledger.submit(payments, (ctx) => contract.CancelPledge(ctx, pick(s.pick)));
        break;
      case 'spend': {
        const request = { id: `s${++this.batches}`, ngoId: 'ngo-a', amount: String(s.amount), currency: 'EUR', description: 'x', category: 'test' };
        const spend = this.ledger.submit(staff, async (ctx) => JSON.parse(await contract.RecordSpend(ctx, JSON.stringify(request))) as Spend);
        const code = await codeOf(spend);
        expect(EXPECTED_REFUSALS.has(code)).toBe(true);
        return code === undefined ? spend : undefined;
      }
      case 'refund': {
        const request = { donationId: pick(s.pick), paymentRef: 'psp-r', ...(s.amount === undefined ? {} : { amount: String(s.amount) }) };
        result = this.ledger.submit(payments, (ctx) => contract.RefundDonation(ctx, JSON.stringify(request)));
        break;
      }
      case 'wait':
        this.ledger.advanceHours(s.hours);
        return undefined;
    }
    expect(EXPECTED_REFUSALS.has(await codeOf(result))).toBe(true);
    return undefined;
  }

  async donations(): Promise<Donation[]> {
    return Promise.all(this.ids.map(async (id) => JSON.parse(await this.ledger.evaluate(staff, (ctx) => contract.ReadDonation(ctx, id))) as Donation));
  }

  async allocatedFrom(id: string): Promise<bigint> {
    const page = JSON.parse(await this.ledger.evaluate(staff, (ctx) => contract.ListAllocationsByDonation(ctx, id, '100', ''))) as Page<AllocationRecord>;
    return page.records.reduce((sum, a) => sum + BigInt(a.amount), 0n);
  }

  async unspentBalance(): Promise<bigint> {
    const { balances } = JSON.parse(await this.ledger.evaluate(staff, (ctx) => contract.ReadBalance(ctx, 'ngo-a'))) as { balances: { unspent: string }[] };
    return balances.reduce((sum, b) => sum + BigInt(b.unspent), 0n);
  }
}

/** The order in which settled money is used: settlement time, then donation ID (the unspent index's key order). */
const queueKey = (d: Donation): string => `${d.settledAt}\u0000${d.id}`;

test('money is conserved across pledged, settled, allocated and refunded; no donation goes below zero; spends take settled money oldest first', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
      const run = new Run();
      await run.ledger.submit(ngoAdmin, (ctx) => contract.RegisterNgo(ctx, JSON.stringify({ id: 'ngo-a', name: 'NGO A' })));
      let spent = 0n;
      for (const s of steps) {
        const spend = await run.apply(s);
        const donations = await run.donations();
        if (spend) {
          spent += BigInt(spend.amount);
          // FIFO: nothing settled before the last donation this spend used has money left.
          const last = donations.find((d) => d.id === spend.allocations.at(-1)?.donationId) as Donation;
          for (const d of donations) if (d.settledAt !== '' && queueKey(d) < queueKey(last)) expect(d.remaining).toBe('0');
        }
        let unspent = 0n;
        let allocated = 0n;
        for (const d of donations) {
          const fromIt = await run.allocatedFrom(d.id);
          expect(BigInt(d.remaining)).toBeGreaterThanOrEqual(0n);
          expect(BigInt(d.refunded)).toBeGreaterThanOrEqual(0n);
          if (d.settledAt === '') {
            // Pledged or cancelled: no money, none used.
            expect([d.remaining, d.refunded, fromIt]).toEqual(['0', '0', 0n]);
          } else {
            expect(BigInt(d.remaining) + fromIt + BigInt(d.refunded)).toBe(BigInt(d.amount));
          }
          unspent += BigInt(d.remaining);
          allocated += fromIt;
        }
        expect(allocated).toBe(spent);
        expect(await run.unspentBalance()).toBe(unspent);
      }
    }),
    { numRuns: 40 },
  );
});
