import { MAX_AMOUNT } from '@donation-ledger/model';
import { LedgerError } from './errors';
import { marshal } from './json';
import { parseObject, requireAmount, requireCurrency, requireId } from './validation';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof LedgerError ? err.code : 'not a LedgerError';
  }
};

describe('amounts', () => {
  test.each([
    ['1', '1'],
    [2500, '2500'],
    ['000123', '123'],
    [MAX_AMOUNT.toString(), MAX_AMOUNT.toString()],
  ])('%p is accepted as %p minor units', (input, expected) => {
    expect(requireAmount('amount', input)).toBe(expected);
  });

  test.each([['0'], [0], ['-1'], [-1], ['1.5'], [1.5], ['1e3'], [''], [' 1'], [Number.MAX_SAFE_INTEGER + 2], [null], [{}], [(MAX_AMOUNT + 1n).toString()], ['99999999999999999999']])(
    '%p is INVALID_ARGUMENT',
    (input) => {
      expect(codeOf(() => requireAmount('amount', input))).toBe('INVALID_ARGUMENT');
    },
  );

  test('the error names the field', () => {
    expect(() => requireAmount('amount', '1.5')).toThrow('INVALID_ARGUMENT: amount must be a whole number of minor units, got "1.5"');
  });
});

describe('currencies and ids', () => {
  test('ISO 4217 codes are accepted, anything else is not', () => {
    expect(requireCurrency('currency', 'EUR')).toBe('EUR');
    for (const bad of ['eur', 'XYZ', 'EURO', '', 5]) expect(codeOf(() => requireCurrency('currency', bad))).toBe('INVALID_ARGUMENT');
  });

  test('ids are short and free of separators that would break composite keys', () => {
    expect(requireId('id', 'don-1_a.b:c')).toBe('don-1_a.b:c');
    for (const bad of ['', '-lead', 'a b', 'a\u0000b', 'x'.repeat(65), 7]) expect(codeOf(() => requireId('id', bad))).toBe('INVALID_ARGUMENT');
  });
});

describe('request objects', () => {
  test('malformed JSON, non-objects and unknown fields are INVALID_ARGUMENT', () => {
    expect(codeOf(() => parseObject('request', '{', ['id']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseObject('request', '[1]', ['id']))).toBe('INVALID_ARGUMENT');
    expect(() => parseObject('request', '{"id":"a","donor":"someone-else"}', ['id'])).toThrow('unknown field(s): donor');
  });
});

describe('marshal', () => {
  test('writes keys sorted at every depth, so every endorser writes the same bytes', () => {
    expect(marshal({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 3 } }).toString()).toBe('{"a":{"c":3,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
