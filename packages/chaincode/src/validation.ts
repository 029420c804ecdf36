// Checks of transaction arguments. Every check throws INVALID_ARGUMENT with a message that names
// the field, so a caller can fix the request without reading the contract. The rules themselves
// (patterns, limits) are declared in @donation-ledger/model, which the API checks against too.
import { X509Certificate } from 'node:crypto';
import {
  AMOUNT_PATTERN, DEFAULT_PAGE_SIZE, ID_PATTERN, MAX_AMOUNT, MAX_BOOKMARK_LENGTH, MAX_PAGE_SIZE, MAX_SCORE, MIN_SCORE, MSP_ID_PATTERN, SHA256_PATTERN,
  isCurrency, SLUG_PATTERN, TextLimit,
} from '@donation-ledger/model';
import { invalid } from './errors';


export function requireId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
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
  if (!AMOUNT_PATTERN.test(text)) throw invalid(`${field} must be a whole number of minor units, got ${JSON.stringify(value)}`);
  const amount = BigInt(text);
  if (amount <= 0n) throw invalid(`${field} must be greater than zero`);
  if (amount > MAX_AMOUNT) throw invalid(`${field} must be at most ${MAX_AMOUNT} minor units`);
  return amount.toString();
}

export function requireCurrency(field: string, value: unknown): string {
  if (typeof value !== 'string' || !isCurrency(value)) {
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
  return requireObject(field, value, allowed);
}

/** An object inside a parsed request, held to the same rule: unknown fields are refused. */
export function requireObject(field: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field} must be a JSON object`);
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw invalid(`${field} has unknown field(s): ${unknown.join(', ')}`);
  return value as Record<string, unknown>;
}

/** A page size argument: empty means the default; otherwise 1 to MAX_PAGE_SIZE. */
export function requirePageSize(value: string): number {
  if (value === '' || value === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE_SIZE) {
    throw invalid(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function requireBookmark(value: string): string {
  if (typeof value !== 'string' || value.length > MAX_BOOKMARK_LENGTH) throw invalid('bookmark must be a string returned by a previous page');
  return value;
}

/** An ISO 8601 time with a zone; returned in the canonical form YYYY-MM-DDTHH:mm:ss.sssZ. */
export function requireTime(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`${field} must be an ISO 8601 time with a zone, such as 2026-01-31T12:00:00Z, got ${JSON.stringify(value)}`);
  }
  return new Date(value).toISOString();
}

export function requireScore(value: string): number {
  if (!/^\d$/.test(value) || Number(value) < MIN_SCORE || Number(value) > MAX_SCORE) {
    throw invalid(`score must be a whole number from ${MIN_SCORE} to ${MAX_SCORE}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function requireSha256(field: string, value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || !SHA256_PATTERN.test(value)) {
    throw invalid(`${field} must be a SHA-256 digest as 64 lower-case hex digits, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireSlug(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SLUG_PATTERN.test(value)) {
    throw invalid(`${field} must be 1-32 lower-case letters, digits or dashes, starting with a letter, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireEmail(field: string, value: unknown): string {
  const text = requireText(field, value, TextLimit.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) throw invalid(`${field} must be an email address`);
  return text;
}

/** An optional ID: absent or empty means none. */
export function optionalId(field: string, value: unknown): string {
  return value === undefined || value === '' ? '' : requireId(field, value);
}

/** A whole number from `min` to `max` (a JSON number, not a string). */
export function requireWholeNumber(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${field} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** An MSP ID as Fabric channel configuration accepts it (it also names the org's config group). */
export function requireMspId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !MSP_ID_PATTERN.test(value)) {
    throw invalid(`${field} must be an MSP ID: 1-64 letters, digits, dots or dashes, starting with a letter, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A PEM X.509 certificate that may sign other certificates (basicConstraints CA:TRUE): an org's
 * root is useless for a channel's MSP otherwise. Returned trimmed, as given.
 */
export function requireCaCertificate(field: string, value: unknown): string {
  if (typeof value !== 'string' || !value.trim().startsWith('-----BEGIN CERTIFICATE-----') || value.length > 16_384) {
    throw invalid(`${field} must be one PEM certificate ("-----BEGIN CERTIFICATE-----...") of at most 16384 characters`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(value);
  } catch {
    throw invalid(`${field} is not a readable X.509 certificate`);
  }
  if (!certificate.ca) throw invalid(`${field} is not a CA certificate (its basicConstraints do not say CA:TRUE): ${certificate.subject.replace(/\n/g, ', ')}`);
  return value.trim();
}
