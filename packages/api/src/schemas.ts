// Request schemas, shared by validation and the OpenAPI document. Objects are strict: unknown
// fields are refused. The chaincode checks the rules of money again; these catch bad input early,
// by the same rules (@donation-ledger/model), so that they never refuse what the ledger accepts.
import {
  DONOR_KEY_PATTERN, ID_PATTERN, MAX_BOOKMARK_LENGTH, MAX_MILESTONES, MAX_PAGE_SIZE, MAX_SCORE, MAX_SETTLEMENT_BATCH, MIN_SCORE, MSP_ID_PATTERN,
  CURRENCIES, HISTORY_RECORD_TYPES, MAX_AMOUNT, NGO_STATUSES, PROPOSAL_STATUSES, RECORD_TYPES, SHA256_PATTERN, SLUG_PATTERN, TextLimit,
} from '@donation-ledger/model';
import type {
  CreateCampaignRequest, DonateRequest, PageRequest, RecordSpendRequest, RefundRequest, RegisterNgoRequest, SettleDonationsRequest,
} from '@donation-ledger/model';
import { z } from 'zod';

export const id = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits or _.:- starting with a letter or digit');
/**
 * The string form of an amount the ledger takes: 1 to MAX_AMOUNT minor units, at most 19 digits
 * (leading zeros allowed, as the chaincode allows them). A pattern rather than a refinement, so
 * that the OpenAPI document refuses what validation refuses. Built for a MAX_AMOUNT that is a
 * power of ten (10^15): 1 to 15 digits not all zero, or 1 followed by 15 zeros.
 */
export const AMOUNT_STRING_PATTERN = amountPattern(MAX_AMOUNT);
export const amount = z
  .union([
    z.string().regex(AMOUNT_STRING_PATTERN, `must be a whole number of minor units from 1 to ${MAX_AMOUNT}`),
    z.number().int('must be a whole number of minor units').min(1, 'must be greater than zero').max(Number(MAX_AMOUNT), `must be at most ${MAX_AMOUNT}`),
  ])
  .describe(`Integer minor units (e.g. cents), 1 to ${MAX_AMOUNT}, as a string or an integer`);
export const currency = z.enum(CURRENCIES, 'must be an ISO 4217 currency code such as EUR').describe('ISO 4217 currency code');
export const isoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 time with zone');

export const page = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  bookmark: z.string().max(MAX_BOOKMARK_LENGTH).optional(),
});
export const noQuery = z.strictObject({});

export const ngoParams = z.strictObject({ ngoId: id });
export const campaignParams = z.strictObject({ campaignId: id });
export const donationParams = z.strictObject({ donationId: id });
export const spendParams = z.strictObject({ spendId: id });
/** The record types whose every revision the ledger gives (the chaincode's GetHistory). */
export const recordParams = z.strictObject({ recordType: z.enum(HISTORY_RECORD_TYPES), id });

export const username = z.string().regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'must be 3-32 lower-case letters, digits or ._-');
export const password = z.string().min(10, 'must be at least 10 characters').max(200);

export const signUp = z.strictObject({ username, password, name: z.string().min(1).max(TextLimit.name), email: z.email().max(TextLimit.email) });
export const login = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });
export const createStaff = z.strictObject({ username, password, ngoId: id });
export const createPayments = z.strictObject({ username, password });

export const registerNgo = z.strictObject({
  id, name: z.string().min(1).max(TextLimit.name), description: z.string().max(TextLimit.ngoDescription).optional(), contact: z.string().max(TextLimit.contact).optional(),
});
export const ngoStatus = z.strictObject({ status: z.enum(NGO_STATUSES) });
export const createCampaign = z.strictObject({
  id, ngoId: id, name: z.string().min(1).max(TextLimit.name), goal: amount, currency, opensAt: isoTime, closesAt: isoTime,
  validatorMspId: z.string().regex(MSP_ID_PATTERN, 'must be an MSP ID').optional().describe('The org that confirms the milestones (not the NGOs\' own)'),
  milestones: z.array(z.strictObject({ amount, description: z.string().min(1).max(TextLimit.milestoneDescription) })).min(1).max(MAX_MILESTONES).optional()
    .describe('Outcome-based: each amount is held until the validator confirms the milestone; the amounts add up to the goal'),
});
export const donate = z.strictObject({
  id: id.optional().describe('Chosen by the client so a retried request cannot donate twice; without it, an Idempotency-Key header is required and the id is derived from it'),
  ngoId: id,
  campaignId: id.optional(),
  amount,
  currency,
});
export const recordSpend = z.strictObject({
  id: id.optional().describe('Chosen by the client so a retried request cannot spend twice; without it, an Idempotency-Key header is required and the id is derived from it'),
  ngoId: id,
  campaignId: id.optional(),
  amount,
  currency,
  description: z.string().min(1).max(TextLimit.spendDescription),
  category: z.string().regex(SLUG_PATTERN, 'must be a lower-case slug such as water'),
  receiptHash: z.string().regex(SHA256_PATTERN, 'must be a SHA-256 digest in hex').optional(),
});
/** A payment reference of the payment service (no personal data): what reconciles the ledger with the bank. */
const paymentRef = z.string().min(1).max(TextLimit.paymentRef).describe("The payment service's reference for the money movement");
/** At most MAX_SETTLEMENT_BATCH entries, as the chaincode takes. */
export const settle = z.strictObject({
  batchId: id.describe('Chosen by the payment service: the same batch sent again is answered, not applied twice'),
  settlements: z.array(z.strictObject({ donationId: id, paymentRef })).min(1).max(MAX_SETTLEMENT_BATCH),
});
export const settlementParams = z.strictObject({ batchId: id });
export const refund = z.strictObject({
  amount: amount.optional().describe('Minor units to give back; without it, all that is left'),
  paymentRef,
  reason: z.string().min(1).max(TextLimit.refundReason).optional(),
});
export const refundHeld = z.strictObject({ paymentRef });
export const rate = z.strictObject({ score: z.number().int().min(MIN_SCORE).max(MAX_SCORE) });
export const digest = z.strictObject({ channel: z.string().min(1).max(64), height: z.number().int().min(0), blockHash: z.string().regex(/^[0-9a-f]{0,64}$/) });
export const verify = z.strictObject({ digest: digest.optional() });

// ---- Read model (the SQL index of the ledger) ----------------------------------------------
/** Read-your-writes: wait until the read model has indexed this block or transaction. */
const readAfter = {
  minBlock: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Wait until this block is indexed (the blockNumber a write answered with); 400 for a block the ledger does not have'),
  afterTx: z.string().regex(/^[0-9a-f]{64}$/, 'must be a transaction ID (64 hex digits)').optional().describe('Wait until this transaction is indexed (the transactionId a write answered with); 404 for one the ledger does not have'),
};
const listPage = {
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1-200 (default 50)'),
  after: z.string().min(1).max(200).optional().describe('The `next` cursor of the previous page'),
};
const search = z.string().min(1).max(100).optional().describe('Case-insensitive substring to search for');
export const readQuery = z.strictObject({ ...readAfter });
export const ngoListQuery = z.strictObject({ ...listPage, ...readAfter, status: z.enum(NGO_STATUSES).optional(), q: search });
export const campaignListQuery = z.strictObject({ ...listPage, ...readAfter, ngoId: id.optional(), q: search });
export const donationListQuery = z.strictObject({
  ...listPage, ...readAfter, ngoId: id.optional(), campaignId: id.optional(),
  donorKey: z.string().regex(DONOR_KEY_PATTERN, 'must be a donor key (40 hex digits)').optional(),
});
export const spendListQuery = z.strictObject({ ...listPage, ...readAfter, ngoId: id.optional(), campaignId: id.optional(), category: z.string().regex(SLUG_PATTERN).optional(), q: search });
export const proposalListQuery = z.strictObject({ ...listPage, ...readAfter, status: z.enum(PROPOSAL_STATUSES).optional() });
export const analyticsQuery = z.strictObject({ ...readAfter, ngoId: id.optional(), format: z.enum(['json', 'csv']).optional().describe('csv for a spreadsheet') });
/** Every record type the read model indexes; ids of any record (allocations and ratings have composite ones). */
export const indexedRecordParams = z.strictObject({ recordType: z.enum(RECORD_TYPES), id: z.string().min(1).max(200) });
export const txParams = z.strictObject({ txId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a transaction ID (64 hex digits)') });
export const blockRange = z.strictObject({
  from: z.coerce.number().int('must be a whole block number').min(0),
  to: z.coerce.number().int('must be a whole block number').min(0),
});
export const indexedVerify = z.strictObject({ digest: z.strictObject({ channel: z.string().min(1).max(64), height: z.number().int().min(1), blockHash: z.string().regex(/^[0-9a-f]{64}$/) }) });

// ---- The bodies are the model's requests ----------------------------------------------------
// The shapes are declared in the model; these schemas add the rules. A field added to a request
// and not here, or here and not in the model, or of another type, fails to compile.
type Fields<T> = { [K in keyof T]-?: NonNullable<T[K]> };
/** The schema takes exactly the request's fields, each a value of the request's type (optional or not). */
type Validates<Schema extends z.ZodType, Request> = [keyof z.output<Schema>] extends [keyof Request]
  ? [keyof Request] extends [keyof z.output<Schema>] ? ([Fields<z.output<Schema>>] extends [Fields<Request>] ? true : false) : false
  : false;
type AllHold<T extends readonly true[]> = T;
export type BodiesAreRequests = AllHold<[
  Validates<typeof registerNgo, RegisterNgoRequest>,
  Validates<typeof createCampaign, CreateCampaignRequest>,
  Validates<typeof donate, DonateRequest>,
  Validates<typeof recordSpend, RecordSpendRequest>,
  Validates<typeof settle, SettleDonationsRequest>,
  // The donation is named by the path.
  Validates<typeof refund, Omit<RefundRequest, 'donationId'>>,
  Validates<typeof page, PageRequest>,
]>;

/** A pattern for 1 to `max` in decimal (leading zeros allowed, 19 digits at most); `max` must be a power of ten. */
function amountPattern(max: bigint): RegExp {
  const digits = max.toString().length - 1;
  if (max.toString() !== `1${'0'.repeat(digits)}`) throw new Error(`MAX_AMOUNT ${max} is not a power of ten: write its pattern by hand`);
  return new RegExp(`^(?=\\d{1,19}$)0*([1-9]\\d{0,${digits - 1}}|1${'0'.repeat(digits)})$`);
}
