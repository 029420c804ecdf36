// The records and requests of the donation ledger as the SDK's users see them. Amounts are
// decimal strings of integer minor units (a number is accepted on input when it is a safe integer);
// times are ISO 8601 strings from the transaction that wrote the record.

export type Amount = string | number;
export type NgoStatus = 'active' | 'suspended';

export interface Ngo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly contact: string;
  readonly status: NgoStatus;
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly updatedAt: string;
}

export interface RegisterNgoRequest {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly contact?: string;
}

export interface Campaign {
  readonly id: string;
  readonly ngoId: string;
  readonly name: string;
  readonly goal: string;
  readonly currency: string;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly createdAt: string;
  /** The org that confirms milestones of an outcome-based campaign; empty for a plain one. */
  readonly validatorMspId: string;
  readonly milestoneCount: number;
  /** When the money unmet milestones held went back to the donors; empty before. */
  readonly heldRefundedAt: string;
}

export interface CreateCampaignRequest {
  readonly id: string;
  readonly ngoId: string;
  readonly name: string;
  readonly goal: Amount;
  readonly currency: string;
  readonly opensAt: string;
  readonly closesAt: string;
  /** An outcome-based campaign: the validator org, and milestones whose amounts add up to the goal. */
  readonly validatorMspId?: string;
  readonly milestones?: readonly { readonly amount: Amount; readonly description: string }[];
}

export interface Milestone {
  readonly campaignId: string;
  readonly index: number;
  readonly amount: string;
  readonly description: string;
  readonly status: 'pending' | 'confirmed';
  readonly evidenceHash: string;
  readonly confirmedAt: string;
  readonly confirmedBy: string;
}

export interface ConfirmMilestoneRequest {
  readonly campaignId: string;
  readonly index: number;
  /** SHA-256 (hex) of the evidence the validator saw. */
  readonly evidenceHash: string;
}

export interface HeldMoneyRefund {
  readonly campaignId: string;
  readonly held: string;
  readonly currency: string;
  readonly refunds: readonly Refund[];
}

export interface DonorRef {
  readonly mspId: string;
  /** A hash naming the donor without personal data. */
  readonly key: string;
}

/** pledged → settled (money arrived) → refunded (all that was left given back); a pledge may be cancelled. */
export type DonationStatus = 'pledged' | 'settled' | 'cancelled' | 'refunded';

export interface Donation {
  readonly id: string;
  readonly ngoId: string;
  /** Empty when not earmarked to a campaign. */
  readonly campaignId: string;
  readonly amount: string;
  readonly currency: string;
  readonly status: DonationStatus;
  /** Settled money not yet spent or refunded; "0" while pledged. */
  readonly remaining: string;
  readonly refunded: string;
  readonly donor: DonorRef;
  /** When it was pledged. */
  readonly donatedAt: string;
  /** After this time the pledge can only be cancelled. */
  readonly expiresAt: string;
  /** Empty until settled. */
  readonly settledAt: string;
  readonly settlementBatchId: string;
  readonly paymentRef: string;
  readonly cancelledAt: string;
  readonly txId: string;
}

export interface SettleDonationsRequest {
  /** Chosen by the payment service: the same batch sent again is answered, not applied twice. */
  readonly batchId: string;
  readonly settlements: readonly { readonly donationId: string; readonly paymentRef: string }[];
}

export interface SettlementBatch {
  readonly id: string;
  readonly settledAt: string;
  readonly settledBy: string;
  readonly settlements: readonly { readonly donationId: string; readonly paymentRef: string; readonly amount: string; readonly currency: string }[];
  readonly txId: string;
}

export interface RefundRequest {
  readonly donationId: string;
  /** Without an amount, all that is left. */
  readonly amount?: Amount;
  readonly paymentRef: string;
  readonly reason?: string;
}

export interface Refund {
  readonly donationId: string;
  readonly amount: string;
  readonly currency: string;
  readonly paymentRef: string;
  readonly reason: string;
  readonly refundedAt: string;
  readonly txId: string;
}

export interface DonateRequest {
  /** Chosen by the client so that a retried request cannot donate twice. */
  readonly id: string;
  readonly ngoId: string;
  readonly campaignId?: string;
  readonly amount: Amount;
  readonly currency: string;
}

export interface AllocationPiece {
  readonly donationId: string;
  readonly amount: string;
}

export interface Spend {
  readonly id: string;
  readonly ngoId: string;
  readonly campaignId: string;
  readonly amount: string;
  readonly currency: string;
  readonly description: string;
  readonly category: string;
  readonly receiptHash: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly txId: string;
  /** The donations that paid for the spend, oldest first; they add up to `amount`. */
  readonly allocations: readonly AllocationPiece[];
}

export interface RecordSpendRequest {
  readonly id: string;
  readonly ngoId: string;
  readonly campaignId?: string;
  readonly amount: Amount;
  readonly currency: string;
  readonly description: string;
  /** A short lower-case slug such as "water" or "salaries". */
  readonly category: string;
  /** SHA-256 (64 lower-case hex digits) of the receipt document. */
  readonly receiptHash?: string;
}

/** One piece of a spend paid by one donation, with the spend it paid for. */
export interface Allocation {
  readonly spendId: string;
  readonly donationId: string;
  readonly ngoId: string;
  readonly amount: string;
  readonly currency: string;
  readonly spend: Spend;
}

export interface Balance {
  readonly ngoId: string;
  readonly balances: readonly { readonly campaignId: string; readonly currency: string; readonly unspent: string }[];
}

export interface Rating {
  readonly ngoId: string;
  readonly donorKey: string;
  readonly score: number;
  readonly ratedAt: string;
}

export interface DonorDetails {
  readonly donorKey: string;
  readonly name: string;
  readonly email: string;
  readonly updatedAt: string;
}

export type RecordType = 'ngo' | 'campaign' | 'donation' | 'spend' | 'proposal';

// ---- Membership governance (the chaincode's Governance contract) ---------------------------

export type Comparator = 'GREATER_THAN' | 'GREATER_THAN_OR_EQUAL_TO';

export interface VotingPolicy {
  /** 1 to 100: the share of the electorate's YES votes the comparator holds against. */
  readonly thresholdPercentage: number;
  readonly comparator: Comparator;
  /** 1 to 168: how long a proposal is open for votes. */
  readonly proposalDurationHours: number;
}

export interface GovernanceMember {
  readonly mspId: string;
  /** A lower-case slug such as "ngo-org". */
  readonly name: string;
}

/** The founding members and the voting policy; set once. */
export interface GovernanceConfig {
  readonly members: readonly GovernanceMember[];
  readonly policy: VotingPolicy;
}

export interface Governance extends GovernanceConfig {
  readonly configuredAt: string;
  /** MSP ID of the admin who configured it. */
  readonly configuredBy: string;
}

/** The org an invite would add, with the roots its channel MSP definition needs. */
export interface InvitedOrg {
  /** A lower-case slug. */
  readonly name: string;
  readonly mspId: string;
  /** PEM of the org's CA root certificate (it must be a CA certificate). */
  readonly caRootCert: string;
  /** PEM of the org's TLS CA root certificate (it must be a CA certificate). */
  readonly tlsRootCert: string;
}

export interface ProposeInviteRequest {
  readonly id: string;
  readonly description: string;
  readonly org: InvitedOrg;
}

export interface ProposeRemovalRequest {
  readonly id: string;
  readonly description: string;
  /** The member org to remove. */
  readonly mspId: string;
}

export type VoteChoice = 'YES' | 'NO';
export type ProposalAction = 'INVITE' | 'REMOVE';
/** EXPIRED: voting closed before the proposal was decided (reported on read, never stored). */
export type ProposalStatus = 'IN_PROGRESS' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'EXECUTED' | 'ACTION_FAILED';
export type ExecutionOutcome = 'EXECUTED' | 'ACTION_FAILED';

export interface RecordExecutionRequest {
  /** ACTION_FAILED may be recorded again, and later EXECUTED, when the channel update is retried. */
  readonly outcome: ExecutionOutcome;
  readonly detail: string;
}

export interface ProposalVote {
  readonly mspId: string;
  readonly vote: VoteChoice;
  readonly at: string;
}

export interface ProposalOutcome {
  readonly detail: string;
  readonly at: string;
  /** MSP ID of the admin who recorded it. */
  readonly by: string;
}

export interface Proposal {
  readonly id: string;
  readonly action: ProposalAction;
  readonly description: string;
  /** INVITE only. */
  readonly org?: InvitedOrg;
  /** The org invited or removed. */
  readonly targetMspId: string;
  readonly proposedBy: string;
  readonly createdAt: string;
  /** Voting closes at this time; an approved proposal stays executable after it. */
  readonly expiresAt: string;
  /** The policy when the proposal was made. */
  readonly policy: VotingPolicy;
  /** The electorate: MSP IDs of the members when the proposal was made. */
  readonly membersAtCreation: readonly string[];
  readonly votes: readonly ProposalVote[];
  readonly status: ProposalStatus;
  readonly outcome?: ProposalOutcome;
}

export interface Revision<T = unknown> {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: T | null;
}

export interface PageRequest {
  /** 1 to 100; default 20. */
  readonly pageSize?: number;
  /** From the previous page; omit for the first. */
  readonly bookmark?: string;
}

export interface Page<T> {
  readonly records: readonly T[];
  /** Empty when there are no more pages. */
  readonly bookmark: string;
  readonly fetchedCount: number;
}

/** What a write returns: the record written and where it landed. */
export interface Committed<T> {
  readonly result: T;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** How many transactions it took (more than 1 after read conflicts were retried). */
  readonly attempts: number;
}

/** A chaincode event, with its payload parsed (the record the transaction wrote). */
export interface LedgerEvent {
  readonly blockNumber: bigint;
  readonly transactionId: string;
  readonly chaincodeName: string;
  /** One of the contract's event names, e.g. DonationRecorded. */
  readonly eventName: string;
  readonly payload: Uint8Array;
  readonly record: unknown;
}

/** Where one revision of a record was written, to check against the block chain. */
export interface RecordProof {
  readonly txId: string;
  readonly timestamp: string;
  readonly blockNumber: number;
  /** Hex SHA-256 of the block's header. */
  readonly blockHash: string;
  /** Fabric's TxValidationCode; 0 is VALID. */
  readonly validationCode: number;
}

export interface SubmitOptions {
  /**
   * Endorse (or evaluate) only on peers of these orgs (MSP IDs). The gateway normally picks enough
   * orgs to satisfy the endorsement policy; naming fewer makes a transaction fail validation.
   */
  readonly endorsingOrganizations?: readonly string[];
}
