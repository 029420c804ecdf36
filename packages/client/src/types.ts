// What the SDK adds around the ledger's records and requests. The records (Ngo, Donation,
// Proposal, ...) and the requests (DonateRequest, ...) are declared once in @donation-ledger/model
// and re-exported here, so that `from '@donation-ledger/client'` keeps offering them.
import type { HistoryRecordType } from '@donation-ledger/model';

export type {
  Allocation, AllocationPiece, Balance, Campaign, Comparator, Donation, DonationStatus, DonorDetails, DonorRef, ExecutionOutcome, Governance, GovernanceConfig,
  GovernanceMember, HeldMoneyRefund, InvitedOrg, Milestone, Ngo, NgoStatus, Page, Proposal, ProposalAction, ProposalOutcome, ProposalStatus, ProposalVote,
  Rating, Refund, Revision, SettlementBatch, Spend, VoteChoice, VotingPolicy,
  Amount, ConfirmMilestoneRequest, CreateCampaignRequest, DonateRequest, PageRequest, ProposeInviteRequest, ProposeRemovalRequest, RecordExecutionRequest,
  RecordSpendRequest, RefundRequest, RegisterNgoRequest, SettleDonationsRequest,
} from '@donation-ledger/model';

/** The types of record whose history the ledger gives (the model's HistoryRecordType). */
export type RecordType = HistoryRecordType;

// ---- What the SDK adds ---------------------------------------------------------------------

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
