import fc from 'fast-check';
import { allocateFifo, Fundable } from './allocation';

const donations = fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { maxLength: 40 }).map((amounts) =>
  amounts.map((remaining, i): Fundable => ({ id: `d${i}`, remaining })),
);

describe('FIFO allocation of a spend over donations', () => {
  test('the pieces always add up to the spend, and no donation gives more than it has left', () => {
    fc.assert(
      fc.property(donations, fc.bigInt({ min: 1n, max: 10n ** 13n }), (sources, amount) => {
        const pieces = allocateFifo(sources, amount);
        const available = sources.reduce((sum, s) => sum + s.remaining, 0n);
        if (available < amount) return pieces === undefined;
        if (!pieces) return false;
        const byId = new Map(sources.map((s) => [s.id, s.remaining]));
        return (
          pieces.reduce((sum, p) => sum + p.amount, 0n) === amount &&
          pieces.every((p) => p.amount > 0n && p.amount <= (byId.get(p.donationId) ?? -1n))
        );
      }),
      { numRuns: 2000 },
    );
  });

  test('older donations are used up before any newer one is touched', () => {
    fc.assert(
      fc.property(donations, fc.bigInt({ min: 1n, max: 10n ** 13n }), (sources, amount) => {
        const pieces = allocateFifo(sources, amount);
        if (!pieces) return true;
        const used = sources.filter((s) => s.remaining > 0n);
        // Every piece but the last empties its donation, and they follow the sources' order.
        return pieces.every((p, i) => {
          const source = used[i];
          if (!source || source.id !== p.donationId) return false;
          return i === pieces.length - 1 || p.amount === source.remaining;
        });
      }),
      { numRuns: 2000 },
    );
  });

  test('a sequence of spends conserves money: spent plus left equals donated', () => {
    fc.assert(
      fc.property(donations, fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { maxLength: 20 }), (initial, spends) => {
        let sources = initial;
        const donated = initial.reduce((sum, s) => sum + s.remaining, 0n);
        let spent = 0n;
        for (const amount of spends) {
          const pieces = allocateFifo(sources, amount);
          if (!pieces) continue;
          spent += amount;
          const taken = new Map(pieces.map((p) => [p.donationId, p.amount]));
          sources = sources.map((s) => ({ ...s, remaining: s.remaining - (taken.get(s.id) ?? 0n) }));
          if (sources.some((s) => s.remaining < 0n)) return false;
        }
        return spent + sources.reduce((sum, s) => sum + s.remaining, 0n) === donated;
      }),
      { numRuns: 500 },
    );
  });

  test('a spend larger than what is left allocates nothing', () => {
    expect(allocateFifo([{ id: 'a', remaining: 5n }, { id: 'b', remaining: 4n }], 10n)).toBeUndefined();
    expect(allocateFifo([{ id: 'a', remaining: 5n }, { id: 'b', remaining: 5n }], 7n)).toEqual([
      { donationId: 'a', amount: 5n },
      { donationId: 'b', amount: 2n },
    ]);
  });
});
