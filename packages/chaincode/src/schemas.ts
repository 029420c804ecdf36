// The types of what transactions return, for the contract metadata (GetMetadata's
// components.schemas; each transaction's @Returns names one). Each class is the JSON a transaction
// answers: it implements the model's type, so it cannot lack a field of it, and a unit test holds
// its properties equal to the records the contracts return (shim.test.ts). The classes are
// never instantiated: transactions still return the sorted JSON the ledger stores (json.ts), which
// the shim's serializer passes through untouched, so typing the metadata changes no byte.
import type * as M from '@donation-ledger/model';
import {
  COMPARATORS, DONATION_STATUSES, HISTORY_RECORD_TYPES, MILESTONE_STATUSES, NGO_STATUSES, PROPOSAL_ACTIONS, PROPOSAL_STATUSES, RecordType, VOTE_CHOICES,
} from '@donation-ledger/model';
import { Object as DataType, Property } from 'fabric-contract-api';

/** JSON Schema of one property, where @Property's type names cannot say it (enums, null). */
type PropertySchema = Readonly<Record<string, unknown>>;

/**
 * A property with a schema of its own: declared by @Property, then given that schema in the same
 * metadata @Property writes ("fabric:object-properties", which @DataType reads).
 */
function PropertyWith(name: string, schema: PropertySchema): PropertyDecorator {
  return (target, key) => {
    Property(name, 'string')(target, key);
    const reflect = Reflect as unknown as { getOwnMetadata(metadataKey: string, target: object): Record<string, PropertySchema> };
    reflect.getOwnMetadata('fabric:object-properties', target)[name] = schema;
  };
}

type SettlementEntry = M.SettlementBatch['settlements'][number];
type PoolBalanceOf = M.Balance['balances'][number];

const oneOf = (values: readonly string[]): PropertySchema => ({ type: 'string', enum: [...values] });
/** The docType that names a stored record's type. */
const DocType = (type: M.RecordType): PropertyDecorator => PropertyWith('docType', oneOf([type]));

// ---- The donation ledger ------------------------------------------------------------------

@DataType()
export class Ngo implements M.Stored<'ngo'> {
  @DocType(RecordType.Ngo) readonly docType!: 'ngo';
  @Property('id', 'string') readonly id!: string;
  @Property('name', 'string') readonly name!: string;
  @Property('description', 'string') readonly description!: string;
  @Property('contact', 'string') readonly contact!: string;
  @PropertyWith('status', oneOf(NGO_STATUSES)) readonly status!: M.NgoStatus;
  @Property('registeredAt', 'string') readonly registeredAt!: string;
  @Property('registeredBy', 'string') readonly registeredBy!: string;
  @Property('updatedAt', 'string') readonly updatedAt!: string;
}

@DataType()
export class Campaign implements M.Stored<'campaign'> {
  @DocType(RecordType.Campaign) readonly docType!: 'campaign';
  @Property('id', 'string') readonly id!: string;
  @Property('ngoId', 'string') readonly ngoId!: string;
  @Property('name', 'string') readonly name!: string;
  @Property('goal', 'string') readonly goal!: string;
  @Property('currency', 'string') readonly currency!: string;
  @Property('opensAt', 'string') readonly opensAt!: string;
  @Property('closesAt', 'string') readonly closesAt!: string;
  @Property('createdAt', 'string') readonly createdAt!: string;
  @Property('validatorMspId', 'string') readonly validatorMspId!: string;
  @Property('milestoneCount', 'number') readonly milestoneCount!: number;
  @Property('heldRefundedAt', 'string') readonly heldRefundedAt!: string;
}

@DataType()
export class Milestone implements M.Stored<'milestone'> {
  @DocType(RecordType.Milestone) readonly docType!: 'milestone';
  @Property('campaignId', 'string') readonly campaignId!: string;
  @Property('index', 'number') readonly index!: number;
  @Property('amount', 'string') readonly amount!: string;
  @Property('description', 'string') readonly description!: string;
  @PropertyWith('status', oneOf(MILESTONE_STATUSES)) readonly status!: M.MilestoneStatus;
  @Property('evidenceHash', 'string') readonly evidenceHash!: string;
  @Property('confirmedAt', 'string') readonly confirmedAt!: string;
  @Property('confirmedBy', 'string') readonly confirmedBy!: string;
}

@DataType()
export class DonorRef implements M.DonorRef {
  @Property('mspId', 'string') readonly mspId!: string;
  @Property('key', 'string') readonly key!: string;
}

@DataType()
export class Donation implements M.Stored<'donation'> {
  @DocType(RecordType.Donation) readonly docType!: 'donation';
  @Property('id', 'string') readonly id!: string;
  @Property('ngoId', 'string') readonly ngoId!: string;
  @Property('campaignId', 'string') readonly campaignId!: string;
  @Property('amount', 'string') readonly amount!: string;
  @Property('currency', 'string') readonly currency!: string;
  @PropertyWith('status', oneOf(DONATION_STATUSES)) readonly status!: M.DonationStatus;
  @Property('remaining', 'string') readonly remaining!: string;
  @Property('refunded', 'string') readonly refunded!: string;
  @Property('donor', 'DonorRef') readonly donor!: DonorRef;
  @Property('donatedAt', 'string') readonly donatedAt!: string;
  @Property('expiresAt', 'string') readonly expiresAt!: string;
  @Property('settledAt', 'string') readonly settledAt!: string;
  @Property('settlementBatchId', 'string') readonly settlementBatchId!: string;
  @Property('paymentRef', 'string') readonly paymentRef!: string;
  @Property('cancelledAt', 'string') readonly cancelledAt!: string;
  @Property('txId', 'string') readonly txId!: string;
}

/** One entry of a settlement batch. */
@DataType()
export class Settlement implements SettlementEntry {
  @Property('donationId', 'string') readonly donationId!: string;
  @Property('paymentRef', 'string') readonly paymentRef!: string;
  @Property('amount', 'string') readonly amount!: string;
  @Property('currency', 'string') readonly currency!: string;
}

@DataType()
export class SettlementBatch implements M.Stored<'settlement'> {
  @DocType(RecordType.Settlement) readonly docType!: 'settlement';
  @Property('id', 'string') readonly id!: string;
  @Property('settledAt', 'string') readonly settledAt!: string;
  @Property('settledBy', 'string') readonly settledBy!: string;
  @Property('settlements', 'Settlement[]') readonly settlements!: Settlement[];
  @Property('txId', 'string') readonly txId!: string;
}

@DataType()
export class Refund implements M.Stored<'refund'> {
  @DocType(RecordType.Refund) readonly docType!: 'refund';
  @Property('donationId', 'string') readonly donationId!: string;
  @Property('amount', 'string') readonly amount!: string;
  @Property('currency', 'string') readonly currency!: string;
  @Property('paymentRef', 'string') readonly paymentRef!: string;
  @Property('reason', 'string') readonly reason!: string;
  @Property('refundedAt', 'string') readonly refundedAt!: string;
  @Property('txId', 'string') readonly txId!: string;
}

@DataType()
export class HeldMoneyRefund implements M.HeldMoneyRefund {
  @Property('campaignId', 'string') readonly campaignId!: string;
  @Property('held', 'string') readonly held!: string;
  @Property('currency', 'string') readonly currency!: string;
  @Property('refunds', 'Refund[]') readonly refunds!: Refund[];
}

@DataType()
export class AllocationPiece implements M.AllocationPiece {
  @Property('donationId', 'string') readonly donationId!: string;
  @Property('amount', 'string') readonly amount!: string;
}

@DataType()
export class Spend implements M.Stored<'spend'> {
  @DocType(RecordType.Spend) readonly docType!: 'spend';
  @Property('id', 'string') readonly id!: string;
  @Property('ngoId', 'string') readonly ngoId!: string;
  @Property('campaignId', 'string') readonly campaignId!: string;
  @Property('amount', 'string') readonly amount!: string;
  @Property('currency', 'string') readonly currency!: string;
  @Property('description', 'string') readonly description!: string;
  @Property('category', 'string') readonly category!: string;
  @Property('receiptHash', 'string') readonly receiptHash!: string;
  @Property('recordedAt', 'string') readonly recordedAt!: string;
  @Property('recordedBy', 'string') readonly recordedBy!: string;
  @Property('txId', 'string') readonly txId!: string;
  @Property('allocations', 'AllocationPiece[]') readonly allocations!: AllocationPiece[];
}

/** A piece of a spend paid by one donation (the stored allocation record), with the spend it paid for. */
@DataType()
export class Allocation implements M.Stored<'allocation'>, M.Allocation {
  @DocType(RecordType.Allocation) readonly docType!: 'allocation';
  @Property('spendId', 'string') readonly spendId!: string;
  @Property('donationId', 'string') readonly donationId!: string;
  @Property('ngoId', 'string') readonly ngoId!: string;
  @Property('amount', 'string') readonly amount!: string;
  @Property('currency', 'string') readonly currency!: string;
  @Property('spend', 'Spend') readonly spend!: Spend;
}

/** The unspent money of one pool (campaign ID, or empty outside campaigns) in one currency. */
@DataType()
export class PoolBalance implements PoolBalanceOf {
  @Property('campaignId', 'string') readonly campaignId!: string;
  @Property('currency', 'string') readonly currency!: string;
  @Property('unspent', 'string') readonly unspent!: string;
}

@DataType()
export class Balance implements M.Balance {
  @Property('ngoId', 'string') readonly ngoId!: string;
  @Property('balances', 'PoolBalance[]') readonly balances!: PoolBalance[];
}

@DataType()
export class Rating implements M.Stored<'rating'> {
  @DocType(RecordType.Rating) readonly docType!: 'rating';
  @Property('ngoId', 'string') readonly ngoId!: string;
  @Property('donorKey', 'string') readonly donorKey!: string;
  @Property('score', 'number') readonly score!: number;
  @Property('ratedAt', 'string') readonly ratedAt!: string;
}

/** Private data: only peers of the donor platform org hold it. */
@DataType()
export class DonorDetails implements M.DonorDetails {
  @Property('donorKey', 'string') readonly donorKey!: string;
  @Property('name', 'string') readonly name!: string;
  @Property('email', 'string') readonly email!: string;
  @Property('updatedAt', 'string') readonly updatedAt!: string;
}

/** What SetMyDetails answers (and emits): the details' owner and time, never the details. */
@DataType()
export class DonorDetailsUpdated implements Pick<M.DonorDetails, 'donorKey' | 'updatedAt'> {
  @Property('donorKey', 'string') readonly donorKey!: string;
  @Property('updatedAt', 'string') readonly updatedAt!: string;
}

// ---- Membership governance ----------------------------------------------------------------

@DataType()
export class GovernanceMember implements M.GovernanceMember {
  @Property('mspId', 'string') readonly mspId!: string;
  @Property('name', 'string') readonly name!: string;
}

@DataType()
export class VotingPolicy implements M.VotingPolicy {
  @Property('thresholdPercentage', 'number') readonly thresholdPercentage!: number;
  @PropertyWith('comparator', oneOf(COMPARATORS)) readonly comparator!: M.Comparator;
  @Property('proposalDurationHours', 'number') readonly proposalDurationHours!: number;
}

@DataType()
export class Governance implements M.Stored<'governance'> {
  @DocType(RecordType.Governance) readonly docType!: 'governance';
  @Property('members', 'GovernanceMember[]') readonly members!: GovernanceMember[];
  @Property('policy', 'VotingPolicy') readonly policy!: VotingPolicy;
  @Property('configuredAt', 'string') readonly configuredAt!: string;
  @Property('configuredBy', 'string') readonly configuredBy!: string;
}

@DataType()
export class InvitedOrg implements M.InvitedOrg {
  @Property('name', 'string') readonly name!: string;
  @Property('mspId', 'string') readonly mspId!: string;
  @Property('caRootCert', 'string') readonly caRootCert!: string;
  @Property('tlsRootCert', 'string') readonly tlsRootCert!: string;
}

@DataType()
export class ProposalVote implements M.ProposalVote {
  @Property('mspId', 'string') readonly mspId!: string;
  @PropertyWith('vote', oneOf(VOTE_CHOICES)) readonly vote!: M.VoteChoice;
  @Property('at', 'string') readonly at!: string;
}

@DataType()
export class ProposalOutcome implements M.ProposalOutcome {
  @Property('detail', 'string') readonly detail!: string;
  @Property('at', 'string') readonly at!: string;
  @Property('by', 'string') readonly by!: string;
}

@DataType()
export class Proposal implements M.Stored<'proposal'> {
  @DocType(RecordType.Proposal) readonly docType!: 'proposal';
  @Property('id', 'string') readonly id!: string;
  @PropertyWith('action', oneOf(PROPOSAL_ACTIONS)) readonly action!: M.ProposalAction;
  @Property('description', 'string') readonly description!: string;
  /** INVITE only. */
  @Property('org', 'InvitedOrg') readonly org?: InvitedOrg;
  @Property('targetMspId', 'string') readonly targetMspId!: string;
  @Property('proposedBy', 'string') readonly proposedBy!: string;
  @Property('createdAt', 'string') readonly createdAt!: string;
  @Property('expiresAt', 'string') readonly expiresAt!: string;
  @Property('policy', 'VotingPolicy') readonly policy!: VotingPolicy;
  @Property('membersAtCreation', 'string[]') readonly membersAtCreation!: string[];
  @Property('votes', 'ProposalVote[]') readonly votes!: ProposalVote[];
  @PropertyWith('status', oneOf(PROPOSAL_STATUSES)) readonly status!: M.ProposalStatus;
  /** Set by RecordExecution. */
  @Property('outcome', 'ProposalOutcome') readonly outcome?: ProposalOutcome;
}

// ---- Pages and history --------------------------------------------------------------------
// fabric-contract-api has no generic types: each page is a class of its own.

@DataType()
export class NgoPage implements M.Page<Ngo> {
  @Property('records', 'Ngo[]') readonly records!: Ngo[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

@DataType()
export class CampaignPage implements M.Page<Campaign> {
  @Property('records', 'Campaign[]') readonly records!: Campaign[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

@DataType()
export class DonationPage implements M.Page<Donation> {
  @Property('records', 'Donation[]') readonly records!: Donation[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

@DataType()
export class RefundPage implements M.Page<Refund> {
  @Property('records', 'Refund[]') readonly records!: Refund[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

@DataType()
export class SpendPage implements M.Page<Spend> {
  @Property('records', 'Spend[]') readonly records!: Spend[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

@DataType()
export class AllocationPage implements M.Page<Allocation> {
  @Property('records', 'Allocation[]') readonly records!: Allocation[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

@DataType()
export class RatingPage implements M.Page<Rating> {
  @Property('records', 'Rating[]') readonly records!: Rating[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

@DataType()
export class ProposalPage implements M.Page<Proposal> {
  @Property('records', 'Proposal[]') readonly records!: Proposal[];
  @Property('bookmark', 'string') readonly bookmark!: string;
  @Property('fetchedCount', 'number') readonly fetchedCount!: number;
}

/** The schema names of the record types whose history GetHistory gives. */
const HISTORY_SCHEMAS: Record<M.HistoryRecordType, string> = { ngo: 'Ngo', campaign: 'Campaign', donation: 'Donation', spend: 'Spend', proposal: 'Proposal' };

/** One revision of a record of any type GetHistory gives (a deletion has a null value). */
@DataType()
export class Revision implements M.Revision {
  @Property('txId', 'string') readonly txId!: string;
  @Property('timestamp', 'string') readonly timestamp!: string;
  @Property('isDelete', 'boolean') readonly isDelete!: boolean;
  @PropertyWith('value', { anyOf: [...HISTORY_RECORD_TYPES.map((t) => ({ $ref: HISTORY_SCHEMAS[t] })), { type: 'null' }] })
  readonly value!: unknown;
}

@DataType()
export class ProposalRevision implements M.Revision<Proposal> {
  @Property('txId', 'string') readonly txId!: string;
  @Property('timestamp', 'string') readonly timestamp!: string;
  @Property('isDelete', 'boolean') readonly isDelete!: boolean;
  @PropertyWith('value', { anyOf: [{ $ref: 'Proposal' }, { type: 'null' }] }) readonly value!: Proposal | null;
}
