// The records the ledger keeps, as clients see them. Money is a decimal string of integer minor
// units with its ISO 4217 currency; times are ISO 8601 strings from the transaction that wrote
// the record. The chaincode stores each record with a `docType` naming its type (see Stored in
// record-types.ts); the SDK drops that field, so these shapes leave it out.
export const NGO_STATUSES = ['active', 'suspended'] as const;
export type NgoStatus = (typeof NGO_STATUSES)[number];

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

export interface Campaign {
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

export const MILESTONE_STATUSES = ['pending', 'confirmed'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/**
 * One outcome of a campaign. Its key carries a key-level endorsement policy naming the
 * validator org, so Fabric itself refuses a change to it that the validator's peers did not endorse.
 */
export interface Milestone {
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
export const DONATION_STATUSES = ['pledged', 'settled', 'cancelled', 'refunded'] as const;
export type DonationStatus = (typeof DONATION_STATUSES)[number];

export interface Donation {
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
  readonly id: string;
  readonly settledAt: string;
  readonly settledBy: string;
  readonly settlements: readonly { readonly donationId: string; readonly paymentRef: string; readonly amount: string; readonly currency: string }[];
  readonly txId: string;
}

/** Money given back to a donor from what is left of a settled donation. */
export interface Refund {
  readonly donationId: string;
  readonly amount: string;
  readonly currency: string;
  readonly paymentRef: string;
  readonly reason: string;
  readonly refundedAt: string;
  readonly txId: string;
}

/** What RefundHeldMoney returns: the money unmet milestones held, given back donation by donation. */
export interface HeldMoneyRefund {
  readonly campaignId: string;
  readonly held: string;
  readonly currency: string;
  readonly refunds: readonly Refund[];
}

/** One piece of a spend paid by one donation, as stored. */
export interface AllocationRecord {
  readonly spendId: string;
  readonly donationId: string;
  readonly ngoId: string;
  readonly amount: string;
  readonly currency: string;
}

/** One piece of a spend paid by one donation, with the spend it paid for (ListAllocationsByDonation). */
export interface Allocation extends AllocationRecord {
  readonly spend: Spend;
}

/** How much of a spend one donation paid, as the spend lists it. */
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
  /** A short lower-case slug such as "water" or "salaries". */
  readonly category: string;
  /** SHA-256 (hex) of the receipt document, or empty. */
  readonly receiptHash: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly txId: string;
  /** The donations that paid for it, oldest first; the amounts add up to `amount`. */
  readonly allocations: readonly AllocationPiece[];
}

/** The unspent money of an NGO by campaign (empty: outside campaigns) and currency. */
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

/** Private data of the donor platform org; only its hash reaches the channel. */
export interface DonorDetails {
  readonly donorKey: string;
  readonly name: string;
  readonly email: string;
  readonly updatedAt: string;
}

/** Private data collection holding donors' personal details (see network/collections.json). */
export const DONOR_DETAILS_COLLECTION = 'donorDetails';

export interface Page<T> {
  readonly records: readonly T[];
  /** Pass back to get the next page; empty when there is none. */
  readonly bookmark: string;
  readonly fetchedCount: number;
}

/** One stored revision of a record (a deletion has no value). */
export interface Revision<T = unknown> {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: T | null;
}
