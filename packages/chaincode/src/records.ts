// The records the ledger keeps, as stored (JSON with sorted keys). Money is a decimal string of
// integer minor units with its ISO 4217 currency; times are ISO 8601 from the transaction.

export type NgoStatus = 'active' | 'suspended';

export interface Ngo {
  readonly docType: 'ngo';
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly contact: string;
  readonly status: NgoStatus;
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly updatedAt: string;
}

export interface Campaign {
  readonly docType: 'campaign';
  readonly id: string;
  readonly ngoId: string;
  readonly name: string;
  readonly goal: string;
  readonly currency: string;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly createdAt: string;
  /**
   * Outcome-based campaigns: the org that confirms each milestone (empty for a plain campaign,
   * whose money is spendable once settled). Its money is held until milestones are confirmed.
   */
  readonly validatorMspId: string;
  /** How many milestones it has (0 for a plain campaign); see Milestone. */
  readonly milestoneCount: number;
  /** When the money its unmet milestones held was refunded to its donors; empty before. */
  readonly heldRefundedAt: string;
}

export type MilestoneStatus = 'pending' | 'confirmed';

/**
 * One outcome of a campaign. Its key carries a key-level endorsement policy naming the
 * validator org, so Fabric itself refuses a change to it that the validator's peers did not endorse.
 */
export interface Milestone {
  readonly docType: 'milestone';
  readonly campaignId: string;
  /** 1, 2, ...: the milestone's place in the campaign. */
  readonly index: number;
  /** What its confirmation makes spendable. */
  readonly amount: string;
  readonly description: string;
  readonly status: MilestoneStatus;
  /** SHA-256 of the evidence the validator saw; empty until confirmed. */
  readonly evidenceHash: string;
  readonly confirmedAt: string;
  readonly confirmedBy: string;
}

export interface DonorRef {
  readonly mspId: string;
  /** A hash of the donor's MSP and certificate subject: how records, indexes and private data name the donor. */
  readonly key: string;
}

/**
 * The life of a donation: a donor pledges; the payment service settles it when the money has
 * arrived (only then is it money the NGO can spend); a pledge can be cancelled; settled money
 * not yet spent can be refunded. Status `refunded` means everything left was given back.
 */
export type DonationStatus = 'pledged' | 'settled' | 'cancelled' | 'refunded';
export const DONATION_STATUSES: readonly DonationStatus[] = ['pledged', 'settled', 'cancelled', 'refunded'];

export interface Donation {
  readonly docType: 'donation';
  readonly id: string;
  readonly ngoId: string;
  /** Empty when the donation is not earmarked to a campaign. */
  readonly campaignId: string;
  readonly amount: string;
  readonly currency: string;
  readonly status: DonationStatus;
  /** Settled money not yet allocated to spends or refunded; "0" until the donation is settled. */
  readonly remaining: string;
  /** Settled money given back to the donor. */
  readonly refunded: string;
  readonly donor: DonorRef;
  /** When the donor pledged. */
  readonly donatedAt: string;
  /** After this time the pledge can no longer be settled, only cancelled. */
  readonly expiresAt: string;
  /** When the payment service settled it, by which batch, with its payment reference; empty before. */
  readonly settledAt: string;
  readonly settlementBatchId: string;
  readonly paymentRef: string;
  /** When the pledge was cancelled; empty otherwise. */
  readonly cancelledAt: string;
  /** The transaction of the pledge. */
  readonly txId: string;
}

/** One settlement batch of the payment service: which pledges it turned into money. */
export interface SettlementBatch {
  readonly docType: 'settlement';
  readonly id: string;
  readonly settledAt: string;
  readonly settledBy: string;
  readonly settlements: readonly { readonly donationId: string; readonly paymentRef: string; readonly amount: string; readonly currency: string }[];
  readonly txId: string;
}

/** Money given back to a donor from what is left of a settled donation. */
export interface Refund {
  readonly docType: 'refund';
  readonly donationId: string;
  readonly amount: string;
  readonly currency: string;
  readonly paymentRef: string;
  readonly reason: string;
  readonly refundedAt: string;
  readonly txId: string;
}

export interface AllocationRecord {
  readonly docType: 'allocation';
  readonly spendId: string;
  readonly donationId: string;
  readonly ngoId: string;
  readonly amount: string;
  readonly currency: string;
}

export interface Spend {
  readonly docType: 'spend';
  readonly id: string;
  readonly ngoId: string;
  readonly campaignId: string;
  readonly amount: string;
  readonly currency: string;
  readonly description: string;
  readonly category: string;
  /** SHA-256 (hex) of the receipt document, or empty. */
  readonly receiptHash: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly txId: string;
  /** The donations that paid for it, oldest first; the amounts add up to `amount`. */
  readonly allocations: readonly { readonly donationId: string; readonly amount: string }[];
}

export interface Rating {
  readonly docType: 'rating';
  readonly ngoId: string;
  readonly donorKey: string;
  readonly score: number;
  readonly ratedAt: string;
}

/** Private data of the donor platform org; only its hash reaches the channel. */
export interface DonorDetails {
  readonly donorKey: string;
  readonly name: string;
  readonly email: string;
  readonly updatedAt: string;
}

export interface Page<T> {
  readonly records: readonly T[];
  /** Pass back to get the next page; empty when there is none. */
  readonly bookmark: string;
  readonly fetchedCount: number;
}

export interface Revision {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: unknown;
}

/** Private data collection holding donors' personal details (see network/collections.json). */
export const DONOR_DETAILS_COLLECTION = 'donorDetails';

/** Chaincode event names: one event per state change. */
export const Events = {
  NgoRegistered: 'NgoRegistered',
  NgoStatusChanged: 'NgoStatusChanged',
  CampaignCreated: 'CampaignCreated',
  /** A pledge: not money yet. */
  DonationRecorded: 'DonationRecorded',
  /** A settlement batch (payload: the batch); each donation it names became money. */
  DonationsSettled: 'DonationsSettled',
  DonationCancelled: 'DonationCancelled',
  /** Payload: the refund; the donation's record shows what is left. */
  DonationRefunded: 'DonationRefunded',
  MilestoneConfirmed: 'MilestoneConfirmed',
  /** Payload: the campaign and the refund of each donation. */
  HeldMoneyRefunded: 'HeldMoneyRefunded',
  SpendRecorded: 'SpendRecorded',
  NgoRated: 'NgoRated',
  DonorDetailsUpdated: 'DonorDetailsUpdated',
  GovernanceConfigured: 'GovernanceConfigured',
  ProposalCreated: 'ProposalCreated',
  /** A vote that left the proposal IN_PROGRESS. */
  VoteCast: 'VoteCast',
  /** A vote that decided the proposal, or a recorded execution outcome. */
  ProposalStatusChanged: 'ProposalStatusChanged',
} as const;
