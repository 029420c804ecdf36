// The requests of the donation ledger, and what the SDK adds around its records. Amounts are
// decimal strings of integer minor units (a number is accepted on input when it is a safe integer);
// times are ISO 8601 strings from the transaction that wrote the record.
//
// The records themselves (Ngo, Donation, Proposal, ...) are declared once in
// @donation-ledger/model and re-exported here, so that `from '@donation-ledger/client'` keeps
// offering them.
import type { ExecutionOutcome, HistoryRecordType, InvitedOrg } from '@donation-ledger/model';

export type {
  Allocation, AllocationPiece, Balance, Campaign, Comparator, Donation, DonationStatus, DonorDetails, DonorRef, ExecutionOutcome, Governance, GovernanceConfig,
  GovernanceMember, HeldMoneyRefund, InvitedOrg, Milestone, Ngo, NgoStatus, Page, Proposal, ProposalAction, ProposalOutcome, ProposalStatus, ProposalVote,
  Rating, Refund, Revision, SettlementBatch, Spend, VoteChoice, VotingPolicy,
} from '@donation-ledger/model';

/** The types of record whose history the ledger gives (the model's HistoryRecordType). */
export type RecordType = HistoryRecordType;

export type Amount = string | number;

export interface RegisterNgoRequest {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly contact?: string;
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

export interface ConfirmMilestoneRequest {
  readonly campaignId: string;
  readonly index: number;
  /** SHA-256 (hex) of the evidence the validator saw. */
  readonly evidenceHash: string;
}

export interface SettleDonationsRequest {
  /** Chosen by the payment service: the same batch sent again is answered, not applied twice. */
  readonly batchId: string;
  readonly settlements: readonly { readonly donationId: string; readonly paymentRef: string }[];
}

export interface RefundRequest {
  readonly donationId: string;
  /** Without an amount, all that is left. */
  readonly amount?: Amount;
  readonly paymentRef: string;
  readonly reason?: string;
}

export interface DonateRequest {
  /** Chosen by the client so that a retried request cannot donate twice. */
  readonly id: string;
  readonly ngoId: string;
  readonly campaignId?: string;
  readonly amount: Amount;
  readonly currency: string;
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

// ---- Membership governance (the chaincode's Governance contract) ---------------------------

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

export interface RecordExecutionRequest {
  /** ACTION_FAILED may be recorded again, and later EXECUTED, when the channel update is retried. */
  readonly outcome: ExecutionOutcome;
  readonly detail: string;
}

// ---- What the SDK adds ---------------------------------------------------------------------

export interface PageRequest {
  /** 1 to 100; default 20. */
  readonly pageSize?: number;
  /** From the previous page; omit for the first. */
  readonly bookmark?: string;
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
  /** One of the contract's event names (the model's Events), e.g. DonationRecorded. */
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
