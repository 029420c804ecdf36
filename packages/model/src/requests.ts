// The requests of the donation ledger: what a caller sends to write or page, as the SDK takes
// them and the API validates them (its zod schemas are checked against these at compile time).
// Amounts are decimal strings of integer minor units (a number is accepted on input when it is a
// safe integer); times are ISO 8601 strings.
import type { ExecutionOutcome, InvitedOrg } from './governance';

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

export interface PageRequest {
  /** 1 to 100; default 20. */
  readonly pageSize?: number;
  /** From the previous page; omit for the first. */
  readonly bookmark?: string;
}
