// The rules of identifiers, amounts and sizes. The chaincode enforces them (they are the ledger's
// rules); the API checks them again to refuse bad input early, and must agree, or it would refuse
// what the ledger accepts or pass on what it refuses. So they are declared here once. The error
// messages stay with whoever checks.

/** IDs of records chosen by clients: 1-64 letters, digits or _.:-, starting with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** An MSP ID as Fabric channel configuration accepts it (it also names the org's config group). */
export const MSP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;

/** A lower-case slug (spend categories, governance member names): 1-32 letters, digits or dashes. */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** A SHA-256 digest as 64 lower-case hex digits (receipts, milestone evidence). */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** A donor key (a hash of the donor's MSP and certificate subject): 40 lower-case hex digits. */
export const DONOR_KEY_PATTERN = /^[0-9a-f]{40}$/;
export const DONOR_KEY_LENGTH = 40;

/**
 * Money is integer minor units (cents) of an ISO 4217 currency, never a float: on the wire a
 * decimal string of 1 to 19 digits (a JavaScript number is accepted only when it is a safe integer).
 */
export const AMOUNT_PATTERN = /^\d{1,19}$/;
/** The largest amount one donation or spend may carry, in minor units (10^15: 10 trillion in a 2-decimal currency). */
export const MAX_AMOUNT = 1_000_000_000_000_000n;

/**
 * ISO 4217 codes of currencies in circulation (funds codes and precious metals left out): the
 * currencies the ledger takes, and so the API's and its document's list too.
 */
export const CURRENCIES = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN',
  'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CUC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR',
  'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD',
  'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT',
  'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG',
  'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS',
  'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XOF', 'XPF', 'YER', 'ZAR',
  'ZMW', 'ZWL',
] as const;
export type Currency = (typeof CURRENCIES)[number];

export const isCurrency = (value: string): value is Currency => (CURRENCIES as readonly string[]).includes(value);

/** Listings return at most this many records a page, and this many when the caller does not say. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** A bookmark is handed back as it was received; longer ones are not the ledger's. */
export const MAX_BOOKMARK_LENGTH = 1024;

/** The most donations one settlement batch may name: its transaction reads and writes each. */
export const MAX_SETTLEMENT_BATCH = 500;
/** A pledge not settled within this time can only be cancelled. */
export const PLEDGE_LIFETIME_MS = 7 * 24 * 3_600_000;

/** An outcome-based campaign has 1 to MAX_MILESTONES milestones, numbered from 1. */
export const MAX_MILESTONES = 20;

/** A rating is a whole number of stars from MIN_SCORE to MAX_SCORE. */
export const MIN_SCORE = 1;
export const MAX_SCORE = 5;

/** The most characters of each free-text field the ledger keeps. */
export const TextLimit = {
  /** Names of NGOs, campaigns and donors. */
  name: 200,
  ngoDescription: 2000,
  contact: 200,
  spendDescription: 1000,
  milestoneDescription: 500,
  /** The payment service's reference of a money movement. */
  paymentRef: 128,
  refundReason: 500,
  email: 254,
  proposalDescription: 2000,
  executionDetail: 2000,
} as const;
