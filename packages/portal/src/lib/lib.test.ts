import type { DonationPath } from '@donation-ledger/model';
import { formatMoney, shareOf, toMinorUnits } from './money';
import { layoutPath, LAYOUT } from './path-layout';
import { hrefOf, routeOf } from './router';

describe('money in the portal', () => {
  test('typed amounts become integer minor units of their currency, without floating point', () => {
    expect(toMinorUnits('12.5', 'EUR')).toBe('1250');
    expect(toMinorUnits('0.10', 'EUR')).toBe('10');
    expect(toMinorUnits('1500', 'JPY')).toBe('1500');
    expect(toMinorUnits('90071992547409.93', 'EUR')).toBe('9007199254740993');
  });

  test('zero, negative, fractional beyond the currency and non-numbers are refused', () => {
    expect(() => toMinorUnits('0', 'EUR')).toThrow('greater than zero');
    expect(() => toMinorUnits('-5', 'EUR')).toThrow('at most 2 decimals');
    expect(() => toMinorUnits('1.005', 'EUR')).toThrow('at most 2 decimals');
    expect(() => toMinorUnits('1.5', 'JPY')).toThrow('at most 0 decimals');
    expect(() => toMinorUnits('1e3', 'EUR')).toThrow();
    expect(() => toMinorUnits('5', 'XYZW')).toThrow('not a currency code');
  });

  test('minor units are shown in major units with thousands grouped', () => {
    expect(formatMoney('1250', 'EUR')).toBe('12.50 EUR');
    expect(formatMoney('123456789', 'EUR')).toBe('1,234,567.89 EUR');
    expect(formatMoney('1500', 'JPY')).toBe('1,500 JPY');
    expect(formatMoney('5', 'EUR')).toBe('0.05 EUR');
  });

  test('a share is between 0 and 1, and 0 of nothing', () => {
    expect(shareOf('400', '1000')).toBe(0.4);
    expect(shareOf('1', '0')).toBe(0);
    expect(shareOf('2000', '1000')).toBe(1);
  });
});

describe('the portal routes', () => {
  test('each page has a hash that leads back to it', () => {
    for (const route of [{ page: 'home' }, { page: 'ngo', ngoId: 'ngo 1/x' }, { page: 'donation', donationId: 'don-1' }, { page: 'receipt', donationId: 'don-1' }, { page: 'verify' }, { page: 'login' }, { page: 'account' },
      { page: 'explorer' }, { page: 'block', number: 12 }, { page: 'history', recordType: 'allocation', recordId: 'sp-1/don-2' }] as const) {
      expect(routeOf(hrefOf(route))).toEqual(route);
    }
  });

  test('unknown or malformed hashes are the home page', () => {
    expect(routeOf('#/nowhere')).toEqual({ page: 'home' });
    expect(routeOf('#/ngos/')).toEqual({ page: 'home' });
    expect(routeOf('')).toEqual({ page: 'home' });
    expect(routeOf('#/ngos/%E0%A4%A')).toEqual({ page: 'ngo', ngoId: '%E0%A4%A' });
    expect(routeOf('#/explorer/blocks/-1')).toEqual({ page: 'home' });
    expect(routeOf('#/explorer/blocks/1e3')).toEqual({ page: 'home' });
  });
});

describe('the picture of a donation path', () => {
  const spend = (id: string, description: string) => ({
    id, ngoId: 'ngo-1', ngoName: 'Wells', campaignId: '', amount: '1000', currency: 'EUR', description, category: 'water', receiptHash: '', recordedAt: '2026-01-02T00:00:00Z', txId: 'tx', block: 9,
  });
  const path = (over: Partial<DonationPath['donation']>, allocations: DonationPath['allocations'], refunds: DonationPath['refunds'] = []): DonationPath => ({
    donation: {
      id: 'don-1', ngoId: 'ngo-1', campaignId: '', amount: '2500', currency: 'EUR', status: 'settled', remaining: '1500', refunded: '0', donatedAt: '2026-01-01T00:00:00Z',
      expiresAt: '', settledAt: '2026-01-01T00:00:00Z', settlementBatchId: 'b', paymentRef: 'p', cancelledAt: '', txId: 'tx', ...over,
    },
    ngoName: 'Wells', campaignName: '', pledgeBlock: 3, allocations, refunds, asOfBlock: 10,
  });

  test('bands share the donation in proportion to the money each target got, unspent money included', () => {
    const layout = layoutPath(path({}, [{ amount: '1000', spend: spend('sp-1', 'Water pump') }]));
    expect(layout.targets.map((t) => [t.kind, t.label, t.detail])).toEqual([['spend', 'Water pump', '10.00 EUR · water'], ['unspent', 'Not spent yet', '15.00 EUR']]);
    const [pump, unspent] = layout.bands;
    expect(pump!.fromHeight / layout.height).toBeCloseTo(0.4, 1);
    expect(unspent!.fromY).toBeCloseTo(pump!.fromHeight, 5);
    expect(layout.targets.every((t) => t.x === LAYOUT.width - LAYOUT.boxWidth)).toBe(true);
  });

  test('a pledge not yet settled shows as waiting for the payment, with no spend', () => {
    const layout = layoutPath(path({ status: 'pledged', remaining: '0', settledAt: '' }, []));
    expect(layout.targets.map((t) => t.kind)).toEqual(['pledge']);
  });

  test('refunded money is a band of its own', () => {
    const layout = layoutPath(path({ status: 'refunded', remaining: '0', refunded: '1500' }, [{ amount: '1000', spend: spend('sp-1', 'Pump') }], [{ amount: '1500', refundedAt: '2026-02-01' }]));
    expect(layout.targets.map((t) => t.kind)).toEqual(['spend', 'refund']);
  });
});
