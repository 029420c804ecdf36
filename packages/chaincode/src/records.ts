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
}

export interface DonorRef {
  readonly mspId: string;
  /** A hash of the donor's MSP and certificate subject: how records, indexes and private data name the donor. */
  readonly key: string;
}

export interface Donation {
  readonly docType: 'donation';
  readonly id: string;
  readonly ngoId: string;
  /** Empty when the donation is not earmarked to a campaign. */
  readonly campaignId: string;
  readonly amount: string;
  readonly currency: string;
  /** What is left of the donation after the spends allocated to it. */
  readonly remaining: string;
  readonly donor: DonorRef;
  readonly donatedAt: string;
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
  DonationRecorded: 'DonationRecorded',
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
