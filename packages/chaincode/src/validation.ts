// Checks of transaction arguments. Every check throws INVALID_ARGUMENT with a message that names
// the field, so a caller can fix the request without reading the contract.
import { invalid } from './errors';

/** The largest amount one donation or spend may carry, in minor units (10^15: 10 trillion in a 2-decimal currency). */
export const MAX_AMOUNT = 1_000_000_000_000_000n;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** ISO 4217 codes of currencies in circulation (funds codes and precious metals left out). */
const CURRENCIES = new Set(
  ('AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP ' +
    'GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD ' +
    'KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK ' +
    'NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD ' +
    'SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD ' +
    'XOF XPF YER ZAR ZMW ZWL').split(' '),
);

export function requireId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw invalid(`${field} must be 1-64 letters, digits or _.:- (starting with a letter or digit), got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireText(field: string, value: unknown, maxLength: number, options: { optional?: boolean } = {}): string {
  if (options.optional && (value === undefined || value === '')) return '';
  if (typeof value !== 'string' || value.trim().length === 0) throw invalid(`${field} must be a non-empty string`);
  if (value.length > maxLength) throw invalid(`${field} must be at most ${maxLength} characters, got ${value.length}`);
  return value.trim();
}

/**
 * A positive amount in integer minor units, given as a decimal string or a safe integer.
 * Returned as a canonical decimal string (no sign, no leading zeros): money never becomes a float.
 */
export function requireAmount(field: string, value: unknown): string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalid(`${field} must be a whole number of minor units within 2^53, got ${value}`);
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw invalid(`${field} must be a whole number of minor units (string or integer), got ${typeof value}`);
  }
  if (!/^\d{1,19}$/.test(text)) throw invalid(`${field} must be a whole number of minor units, got ${JSON.stringify(value)}`);
  const amount = BigInt(text);
  if (amount <= 0n) throw invalid(`${field} must be greater than zero`);
  if (amount > MAX_AMOUNT) throw invalid(`${field} must be at most ${MAX_AMOUNT} minor units`);
  return amount.toString();
}

export function requireCurrency(field: string, value: unknown): string {
  if (typeof value !== 'string' || !CURRENCIES.has(value)) {
    throw invalid(`${field} must be an ISO 4217 currency code such as EUR or USD, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Parses a JSON object argument; malformed JSON and non-objects are INVALID_ARGUMENT. */
export function parseObject(field: string, json: string, allowed: readonly string[]): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid(`${field} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field} must be a JSON object`);
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw invalid(`${field} has unknown field(s): ${unknown.join(', ')}`);
  return value as Record<string, unknown>;
}
