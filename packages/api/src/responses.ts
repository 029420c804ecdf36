// Schemas of what the API answers: the model's records (@donation-ledger/model) and the shapes the
// routes wrap them in. Each route declares its success schema with these; the handler's return type
// is checked against it at compile time, the OpenAPI document publishes it, and the contract test
// validates every answer against it. Named schemas (.meta({ id })) become components of the
// document, so generated clients get one type per record.
//
// Objects are z.object: their JSON Schema (output) refuses unknown fields, so a field added to a
// record without its schema fails the contract test instead of reaching clients undocumented.
import {
  COMPARATORS, DONATION_STATUSES, MILESTONE_STATUSES, NGO_STATUSES, PROPOSAL_ACTIONS, PROPOSAL_STATUSES, RecordType, VOTE_CHOICES,
} from '@donation-ledger/model';
import { INDEXER_STATES } from '@donation-ledger/indexer';
import { z, ZodType } from 'zod';
import { ROLES } from './accounts';

/** Arrays of answers are readonly, so that the model's readonly records type-check against them. */
const list = <T extends ZodType>(item: T) => z.array(item).readonly();

const money = z.string().regex(/^\d{1,19}$/).describe('Integer minor units (e.g. cents) as a decimal string');
/** Times the chaincode writes: ISO 8601 from the transaction, or empty where the record says "not yet". */
const time = z.string().describe('ISO 8601 time, or empty when it has not happened');
const txId = z.string().regex(/^[0-9a-f]{64}$/).describe('Fabric transaction ID');
/** A block number in JSON: the writes' blockNumber is a decimal string (a uint64 on the ledger). */
const blockNumberString = z.string().regex(/^\d+$/);
const blockHash = z.string().regex(/^([0-9a-f]{64})?$/).describe('Hex SHA-256 of a block header (empty before the first block)');

export const ngo = z.object({
  id: z.string(), name: z.string(), description: z.string(), contact: z.string(), status: z.enum(NGO_STATUSES),
  registeredAt: time, registeredBy: z.string(), updatedAt: time,
}).meta({ id: 'Ngo' });

export const campaign = z.object({
  id: z.string(), ngoId: z.string(), name: z.string(), goal: money, currency: z.string(), opensAt: time, closesAt: time, createdAt: time,
  validatorMspId: z.string(), milestoneCount: z.number().int().min(0), heldRefundedAt: time,
}).meta({ id: 'Campaign' });

export const milestone = z.object({
  campaignId: z.string(), index: z.number().int().min(1), amount: money, description: z.string(), status: z.enum(MILESTONE_STATUSES),
  evidenceHash: z.string(), confirmedAt: time, confirmedBy: z.string(),
}).meta({ id: 'Milestone' });

export const donation = z.object({
  id: z.string(), ngoId: z.string(), campaignId: z.string(), amount: money, currency: z.string(), status: z.enum(DONATION_STATUSES),
  remaining: money, refunded: money, donor: z.object({ mspId: z.string(), key: z.string() }), donatedAt: time, expiresAt: time,
  settledAt: time, settlementBatchId: z.string(), paymentRef: z.string(), cancelledAt: time, txId: z.string(),
}).meta({ id: 'Donation' });

export const settlementBatch = z.object({
  id: z.string(), settledAt: time, settledBy: z.string(),
  settlements: list(z.object({ donationId: z.string(), paymentRef: z.string(), amount: money, currency: z.string() })), txId: z.string(),
}).meta({ id: 'SettlementBatch' });

export const refund = z.object({
  donationId: z.string(), amount: money, currency: z.string(), paymentRef: z.string(), reason: z.string(), refundedAt: time, txId: z.string(),
}).meta({ id: 'Refund' });

export const heldMoneyRefund = z.object({ campaignId: z.string(), held: money, currency: z.string(), refunds: list(refund) }).meta({ id: 'HeldMoneyRefund' });

export const spend = z.object({
  id: z.string(), ngoId: z.string(), campaignId: z.string(), amount: money, currency: z.string(), description: z.string(), category: z.string(),
  receiptHash: z.string(), recordedAt: time, recordedBy: z.string(), txId: z.string(), allocations: list(z.object({ donationId: z.string(), amount: money })),
}).meta({ id: 'Spend' });

export const allocationRecord = z.object({ spendId: z.string(), donationId: z.string(), ngoId: z.string(), amount: money, currency: z.string() }).meta({ id: 'AllocationRecord' });
export const allocation = allocationRecord.extend({ spend }).meta({ id: 'Allocation' });

export const balance = z.object({
  ngoId: z.string(), balances: list(z.object({ campaignId: z.string(), currency: z.string(), unspent: money })),
}).meta({ id: 'Balance' });

export const rating = z.object({ ngoId: z.string(), donorKey: z.string(), score: z.number().int(), ratedAt: time }).meta({ id: 'Rating' });

const votingPolicy = z.object({ thresholdPercentage: z.number().int(), comparator: z.enum(COMPARATORS), proposalDurationHours: z.number().int() });
export const governance = z.object({
  members: list(z.object({ mspId: z.string(), name: z.string() })), policy: votingPolicy, configuredAt: time, configuredBy: z.string(),
}).meta({ id: 'Governance' });

export const proposal = z.object({
  id: z.string(), action: z.enum(PROPOSAL_ACTIONS), description: z.string(),
  org: z.object({ name: z.string(), mspId: z.string(), caRootCert: z.string(), tlsRootCert: z.string() }).optional(),
  targetMspId: z.string(), proposedBy: z.string(), createdAt: time, expiresAt: time, policy: votingPolicy, membersAtCreation: list(z.string()),
  votes: list(z.object({ mspId: z.string(), vote: z.enum(VOTE_CHOICES), at: time })), status: z.enum(PROPOSAL_STATUSES),
  outcome: z.object({ detail: z.string(), at: time, by: z.string() }).optional(),
}).meta({ id: 'Proposal' });

/** Each record type's schema, as the read model and the history give them. */
export const RECORD_SCHEMAS = {
  [RecordType.Ngo]: ngo, [RecordType.Campaign]: campaign, [RecordType.Donation]: donation, [RecordType.Milestone]: milestone,
  [RecordType.Settlement]: settlementBatch, [RecordType.Refund]: refund, [RecordType.Spend]: spend, [RecordType.Allocation]: allocationRecord,
  [RecordType.Rating]: rating, [RecordType.Proposal]: proposal, [RecordType.Governance]: governance,
} as const satisfies Record<RecordType, ZodType>;
const anyRecord = z.union(Object.values(RECORD_SCHEMAS)).meta({ id: 'AnyRecord' });

// ---- Shapes around the records -------------------------------------------------------------

/** A page of a chaincode listing. */
const pageOf = <T extends ZodType>(item: T, id: string) =>
  z.object({ records: list(item), bookmark: z.string().describe('Pass back for the next page; empty on the last'), fetchedCount: z.number().int().min(0) }).meta({ id });

/** What a write answers: the record written, and the transaction and block it landed in. */
const writtenOf = <T extends ZodType>(record: T, id: string) =>
  z.object({ record, transactionId: txId, blockNumber: blockNumberString }).meta({ id });

// One constant per shape, so that each component of the document has one schema.
export const ngoPage = pageOf(ngo, 'NgoPage');
export const campaignPage = pageOf(campaign, 'CampaignPage');
export const donationPage = pageOf(donation, 'DonationPage');
export const spendPage = pageOf(spend, 'SpendPage');
export const ratingPage = pageOf(rating, 'RatingPage');
export const refundPage = pageOf(refund, 'RefundPage');
export const allocationPage = pageOf(allocation, 'AllocationPage');
export const milestones = list(milestone);

export const writtenNgo = writtenOf(ngo, 'WrittenNgo');
export const writtenCampaign = writtenOf(campaign, 'WrittenCampaign');
export const writtenDonation = writtenOf(donation, 'WrittenDonation');
export const writtenSettlement = writtenOf(settlementBatch, 'WrittenSettlementBatch');
export const writtenRefund = writtenOf(refund, 'WrittenRefund');
export const writtenHeldMoneyRefund = writtenOf(heldMoneyRefund, 'WrittenHeldMoneyRefund');
export const writtenSpend = writtenOf(spend, 'WrittenSpend');
export const writtenRating = writtenOf(rating, 'WrittenRating');

export const session = z.object({ username: z.string(), role: z.enum(ROLES), token: z.string(), expiresAt: z.iso.datetime() }).meta({ id: 'Session' });
export const me = z.object({ username: z.string(), role: z.enum(ROLES), ngoId: z.string().nullable(), createdAt: z.string() }).meta({ id: 'Account' });
export const staffAccount = z.object({ username: z.string(), role: z.enum(ROLES), ngoId: z.string().optional() });
export const paymentsAccount = z.object({ username: z.string(), role: z.enum(ROLES) });

const revision = z.object({ txId: z.string(), timestamp: z.string(), isDelete: z.boolean(), value: anyRecord.nullable() }).meta({ id: 'Revision' });
const recordProof = z.object({
  txId: z.string(), timestamp: z.string(), blockNumber: z.number().int().min(0), blockHash, validationCode: z.number().int().min(0),
}).meta({ id: 'RecordProof' });
export const history = list(revision);
export const proofs = list(recordProof);
export const ledgerDigest = z.object({ channel: z.string(), height: z.number().int().min(0), blockHash }).meta({ id: 'LedgerDigest' });
export const verifyResult = z.union([
  z.object({ ok: z.literal(true), digest: ledgerDigest, blocksChecked: z.number().int().min(0) }),
  z.object({ ok: z.literal(false), blockNumber: z.number().int().min(0), reason: z.string(), blocksChecked: z.number().int().min(0) }),
]).meta({ id: 'VerifyResult' });

// ---- The read model ------------------------------------------------------------------------

const asOfBlock = z.number().int().min(-1).describe('The last block indexed when the query ran (-1: none yet)');
const listingOf = <T extends ZodType>(item: T, id: string) =>
  z.object({ items: list(item), next: z.string().nullable().describe('Pass as `after` for the next page; null on the last'), asOfBlock }).meta({ id });
const reportOf = <T extends ZodType>(row: T, id: string) => z.object({ rows: list(row), asOfBlock }).meta({ id });

const count = z.number().int().min(0);
/** A share as the database rounds it (e.g. "0.4215"), or null where it has no meaning. */
const share = z.string().regex(/^\d+(\.\d+)?$/).nullable();
export const ngoListing = listingOf(ngo, 'NgoListing');
export const campaignListing = listingOf(campaign, 'CampaignListing');
export const donationListing = listingOf(donation, 'DonationListing');
export const spendListing = listingOf(spend, 'SpendListing');
export const proposalListing = listingOf(proposal, 'ProposalListing');

export const ngoTotals = reportOf(z.object({
  ngoId: z.string(), currency: z.string(), donations: count, pledged: money, donated: money, spends: count, spent: money, refunded: money,
  remaining: money, shareSpent: share, donors: count,
}), 'NgoTotals');
export const campaignTotals = reportOf(z.object({
  campaignId: z.string(), ngoId: z.string(), currency: z.string(), goal: money, donations: count, donated: money, pledged: money, shareOfGoal: share,
  milestones: count, milestonesConfirmed: count, released: money.nullable(),
}), 'CampaignTotals');
export const monthlyTotals = reportOf(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), ngoId: z.string(), currency: z.string(), donations: count, donated: money }), 'MonthlyTotals');
export const spendByCategory = reportOf(z.object({ ngoId: z.string(), category: z.string(), currency: z.string(), spends: count, spent: money }), 'SpendByCategory');

const revisionRowFields = {
  block: z.number().int().min(0), txIndex: z.number().int().min(0), txId: z.string(), timestamp: z.string().nullable(), validationCode: z.string(),
  blockHash, isDelete: z.boolean(),
};
export const indexedHistory = reportOf(z.object({ ...revisionRowFields, value: anyRecord.nullable() }), 'IndexedHistory');
export const indexedProofs = reportOf(z.object(revisionRowFields), 'IndexedProofs');
export const indexedBlocks = reportOf(z.object({
  number: z.number().int().min(0), headerHash: blockHash, previousHash: z.string(), dataHash: z.string(), txCount: z.number().int().min(0),
}), 'IndexedBlocks');
export const indexedDigest = ledgerDigest.extend({ asOfBlock }).meta({ id: 'IndexedDigest' });
export const indexedVerifyResult = z.union([
  z.object({ ok: z.literal(true), digest: ledgerDigest }),
  z.object({ ok: z.literal(false), blockNumber: z.number().int().min(0), reason: z.string() }),
]).meta({ id: 'IndexedVerifyResult' });
export const indexedRecord = z.object({ value: anyRecord, asOfBlock }).meta({ id: 'IndexedRecord' });
export const indexedTransaction = z.object({
  value: z.object({
    block: z.number().int().min(0), txIndex: z.number().int().min(0), txId: z.string(), type: z.string(), validationCode: z.string(), creatorMspId: z.string(),
    timestamp: z.string().nullable(), function: z.string().nullable(),
  }),
  asOfBlock,
}).meta({ id: 'IndexedTransaction' });

export const readModelStatus = z.union([
  z.object({ state: z.literal('unavailable'), reason: z.string() }),
  z.object({ state: z.enum(INDEXER_STATES), store: z.enum(['embedded', 'postgresql']), channel: z.string(), height: z.number().int().min(0), blockHash, error: z.string().optional() }),
]).meta({ id: 'ReadModelStatus' });

// ---- Health and the live feed --------------------------------------------------------------

export const info = z.object({ org: z.string(), donorSignUp: z.boolean() });
export const live = z.object({ status: z.literal('ok') });
export const ready = z.object({ status: z.literal('ready'), org: z.string(), height: z.number().int().min(0), readModel: readModelStatus });
export const feedTicket = z.object({ ticket: z.string(), expiresAt: z.iso.datetime() });
/** A body that is not JSON (an event stream, a CSV file): text, described by its route. */
export const text = z.string();

// ---- The public portal (no donor in any of these) -------------------------------------------

const publicMoney = z.object({
  currency: z.string(), raised: money, settled: money, held: money, spent: money, refunded: money, remaining: money, donations: count,
}).meta({ id: 'PublicMoney' });
const publicNgo = z.object({ id: z.string(), name: z.string(), description: z.string(), status: z.enum(NGO_STATUSES), money: list(publicMoney) }).meta({ id: 'PublicNgo' });
const publicMilestone = z.object({
  index: z.number().int().min(1), amount: money, description: z.string(), status: z.enum(MILESTONE_STATUSES), evidenceHash: z.string(), confirmedAt: time, confirmedBy: z.string(),
}).meta({ id: 'PublicMilestone' });
const publicCampaign = z.object({
  id: z.string(), ngoId: z.string(), name: z.string(), goal: money, currency: z.string(), opensAt: time, closesAt: time, validatorMspId: z.string(),
  raised: money, settled: money, spent: money, held: money, milestones: list(publicMilestone),
}).meta({ id: 'PublicCampaign' });
const publicSpend = z.object({
  id: z.string(), ngoId: z.string(), ngoName: z.string(), campaignId: z.string(), amount: money, currency: z.string(), description: z.string(),
  category: z.string(), receiptHash: z.string(), recordedAt: time, txId: z.string(), block: z.number().int().min(0),
}).meta({ id: 'PublicSpend' });
const spendCategory = z.object({ ngoId: z.string(), category: z.string(), currency: z.string(), spends: count, spent: money }).meta({ id: 'SpendCategory' });

export const publicOverview = z.object({ ngos: list(publicNgo), categories: list(spendCategory), asOfBlock }).meta({ id: 'PublicOverview' });
export const publicNgoPage = z.object({
  ngo: publicNgo, campaigns: list(publicCampaign), categories: list(spendCategory), recentSpends: list(publicSpend), asOfBlock,
}).meta({ id: 'PublicNgoPage' });
export const publicSpends = reportOf(publicSpend, 'PublicSpends');
export const donationPath = z.object({
  donation: donation.omit({ donor: true }).meta({ id: 'PublicDonation' }), ngoName: z.string(), campaignName: z.string(), pledgeBlock: z.number().int().min(0),
  allocations: list(z.object({ amount: money, spend: publicSpend })), refunds: list(z.object({ amount: money, refundedAt: time })), asOfBlock,
}).meta({ id: 'DonationPath' });
export const activity = reportOf(z.object({
  block: z.number().int().min(0), txId: z.string(), timestamp: z.string().nullable(), recordType: z.enum(['ngo', 'campaign', 'donation', 'milestone', 'spend']),
  recordId: z.string(), ngoId: z.string(), ngoName: z.string(), amount: z.union([money, z.literal('')]), currency: z.string(), status: z.string(), label: z.string(),
}), 'Activity');

// ---- The explorer ----------------------------------------------------------------------------

export const explorerBlocks = reportOf(z.object({
  number: z.number().int().min(0), headerHash: blockHash, txCount: count, invalid: count, isConfig: z.boolean(), timestamp: z.string().nullable(),
}), 'ExplorerBlocks');
export const explorerBlock = z.object({
  number: z.number().int().min(0), headerHash: blockHash, previousHash: z.string(), dataHash: z.string(), txCount: count,
  transactions: list(z.object({
    index: count, txId: z.string(), type: z.string(), validationCode: z.string(), creatorMspId: z.string(), timestamp: z.string().nullable(),
    chaincode: z.string().nullable(), function: z.string().nullable(), configChanges: list(z.string()).nullable(),
    records: list(z.object({ recordType: z.string(), recordId: z.string() })),
  })),
  asOfBlock,
}).meta({ id: 'ExplorerBlock' });

// ---- Receipts (@donation-ledger/receipt) ----------------------------------------------------

const receiptTransaction = z.object({ txId, blockNumber: z.number().int().min(0), blockHash, block: z.string().describe('The serialized common.Block, base64') });
export const receipt = z.object({
  format: z.literal('donation-ledger-receipt/1'), issuedAt: z.iso.datetime(), channel: z.string(), chaincode: z.string(),
  donation: donation.extend({ docType: z.string().optional() }), pledge: receiptTransaction, settlement: receiptTransaction.optional(),
  configBlocks: list(z.object({ blockNumber: z.number().int().min(0), block: z.string() })), genesisHash: blockHash,
}).meta({ id: 'Receipt' });
