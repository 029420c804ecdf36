// Hostile input to the chaincode, through the SDK: random requests of every shape. Each is either
// accepted or refused with one of the contract's codes (never an unknown failure), and a refused
// request writes nothing.
import fc from 'fast-check';
import { DonationStatus, LedgerClient, LedgerError } from '@donation-ledger/client';
import { ErrorCode, ID_PATTERN } from '@donation-ledger/model';
import { connectAs, connectPayments, ensureNgo, uniqueId } from './harness';

/** The contract's codes these random requests may meet. */
const CONTRACT_CODES: readonly string[] = [
  ErrorCode.InvalidArgument, ErrorCode.NotFound, ErrorCode.AlreadyExists, ErrorCode.Forbidden, ErrorCode.Conflict, ErrorCode.InsufficientFunds,
];

const junk = fc.oneof(
  fc.string({ maxLength: 80 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constant(''), fc.constant('-1'), fc.constant('1.5'), fc.constant('1e3'), fc.constant('99999999999999999999999'),
  fc.constant(Number.MAX_SAFE_INTEGER), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

describe('fuzzing the chaincode through the SDK', () => {
  let donor: LedgerClient;
  let payments: LedgerClient;
  const ngoId = 'ngo-1';

  beforeAll(async () => {
    const admin = await connectAs('ngo', 'ngoadmin1');
    await ensureNgo(admin, ngoId);
    admin.close();
    donor = await connectAs('donorplatform', 'donor1');
    payments = await connectPayments();
  });

  afterAll(() => {
    donor.close();
    payments.close();
  });

  test('300 random donation requests: accepted, or refused with a contract code and nothing written', async () => {
    const request = fc.record(
      { id: fc.oneof(fc.constant('valid'), junk), ngoId: fc.oneof(fc.constant(ngoId), junk), amount: fc.oneof(fc.constant('5'), junk), currency: fc.oneof(fc.constant('EUR'), junk), extra: junk },
      { requiredKeys: [] },
    );
    const seen = new Map<string, number>();
    // A junk id can be a valid one ("1e3"): once a case with it was accepted, later cases (and
    // fast-check's shrinking, which replays cases) find that earlier donation under the same id.
    const accepted = new Set<unknown>();
    await fc.assert(
      fc.asyncProperty(request, async (raw) => {
        const body = { ...raw, ...(raw.id === 'valid' ? { id: uniqueId('fz') } : {}) } as Record<string, unknown>;
        try {
          await donor.donate(body as never);
          accepted.add(body.id);
          seen.set('OK', (seen.get('OK') ?? 0) + 1);
          return true;
        } catch (err) {
          if (!(err instanceof LedgerError)) throw err;
          seen.set(err.code, (seen.get(err.code) ?? 0) + 1);
          if (!CONTRACT_CODES.includes(err.code)) throw new Error(`unexpected ${err.code} for ${JSON.stringify(body)}: ${err.message}`);
          if (typeof body.id === 'string' && ID_PATTERN.test(body.id) && err.code !== 'ALREADY_EXISTS' && !accepted.has(body.id)) {
            const after = await donor.readDonation(body.id).then(() => 'written', (e: LedgerError) => e.code);
            if (after !== 'NOT_FOUND') throw new Error(`refused request ${JSON.stringify(body)} left ${after}`);
          }
          return true;
        }
      }),
      { numRuns: 300 },
    );
    process.stderr.write(`[fuzz] chaincode outcomes: ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect(seen.get('INVALID_ARGUMENT')).toBeGreaterThan(100);
  });

  test('150 random settlement batches: accepted, or refused with a contract code, no batch written and no donation changed', async () => {
    // Real pledges to name among the junk; each is settled at most once, by the first batch accepted with it.
    const pledges = await Promise.all(Array.from({ length: 20 }, async () => (await donor.donate({ id: uniqueId('fz-pledge'), ngoId, amount: 5, currency: 'EUR' })).result.id));
    const expected = new Map<string, DonationStatus>(pledges.map((id) => [id, 'pledged']));
    // Mostly well-formed, so that batches get past the input checks to the rules (unknown, not pledged, used ID):
    // `undefined` leaves a field out (JSON drops it).
    const mostly = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: fc.constant(undefined) });
    const rarely = fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: junk });
    const entry = fc.record({
      donationId: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...pledges) }, { weight: 2, arbitrary: fc.constant('no-such-donation') }, { weight: 1, arbitrary: junk }),
      paymentRef: mostly(fc.constant('psp-fuzz')),
      extra: rarely,
    });
    const request = fc.record({
      batchId: mostly(fc.constant('valid')),
      settlements: mostly(fc.array(entry, { minLength: 1, maxLength: 3 })),
      extra: rarely,
    });
    const seen = new Map<string, number>();
    const accepted = new Set<unknown>();
    await fc.assert(
      fc.asyncProperty(request, async (raw) => {
        const body = { ...raw, ...(raw.batchId === 'valid' ? { batchId: uniqueId('fz-batch') } : {}) } as Record<string, unknown>;
        try {
          const { result } = await payments.settleDonations(body as never);
          accepted.add(body.batchId);
          for (const s of result.settlements) expected.set(s.donationId, 'settled');
          seen.set('OK', (seen.get('OK') ?? 0) + 1);
        } catch (err) {
          if (!(err instanceof LedgerError)) throw err;
          seen.set(err.code, (seen.get(err.code) ?? 0) + 1);
          if (!CONTRACT_CODES.includes(err.code)) throw new Error(`unexpected ${err.code} for ${JSON.stringify(body)}: ${err.message}`);
          if (typeof body.batchId === 'string' && ID_PATTERN.test(body.batchId) && !accepted.has(body.batchId)) {
            const after = await payments.readSettlement(body.batchId).then(() => 'written', (e: LedgerError) => e.code);
            if (after !== 'NOT_FOUND') throw new Error(`refused batch ${JSON.stringify(body)} left ${after}`);
          }
        }
        // Every pledge is read after every batch; the reads are independent, so they run in parallel.
        const now = await Promise.all([...expected.keys()].map(async (id) => [id, (await donor.readDonation(id)).status] as const));
        for (const [id, status] of now) {
          if (status !== expected.get(id)) throw new Error(`after ${JSON.stringify(body)}, donation ${id} is ${status}, expected ${expected.get(id)}`);
        }
        return true;
      }),
      { numRuns: 150 },
    );
    process.stderr.write(`[fuzz] settlement outcomes: ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['OK', 'INVALID_ARGUMENT', 'NOT_FOUND', 'CONFLICT']));
  });
});
