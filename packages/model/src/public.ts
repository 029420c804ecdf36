// What the public portal shows without a login: read from the read model, answered by every
// org's API under /api/public, drawn by the portal. No donor identity appears in any of these
// shapes: a donation is known by its receipt code (its ID), never by who gave it.
import type { Campaign, Donation, Milestone, Ngo } from './records';

/** Amounts are integer minor units as decimal strings, like every amount of the ledger. */
export interface PublicMoney {
  readonly currency: string;
  /** Pledged and settled, not cancelled: what donors promised. */
  readonly raised: string;
  /** Money that arrived: settled by the payment service. */
  readonly settled: string;
  /** Settled money of outcome-based campaigns waiting for a milestone's confirmation. */
  readonly held: string;
  readonly spent: string;
  readonly refunded: string;
  /** Settled money neither spent nor refunded (held money included). */
  readonly remaining: string;
  /** Donations counted in `raised`. */
  readonly donations: number;
}

export type PublicNgo = Pick<Ngo, 'id' | 'name' | 'description' | 'status'> & {
  /** One entry per currency the NGO received or spent. */
  readonly money: readonly PublicMoney[];
};

/** A milestone as its campaign's public page lists it. */
export type PublicMilestone = Omit<Milestone, 'campaignId'>;

export type PublicCampaign = Pick<Campaign, 'id' | 'ngoId' | 'name' | 'goal' | 'currency' | 'opensAt' | 'closesAt' | 'validatorMspId'> & {
  readonly raised: string;
  readonly settled: string;
  readonly spent: string;
  readonly held: string;
  readonly milestones: readonly PublicMilestone[];
};

export interface PublicSpend {
  readonly id: string;
  readonly ngoId: string;
  readonly ngoName: string;
  readonly campaignId: string;
  readonly amount: string;
  readonly currency: string;
  readonly description: string;
  readonly category: string;
  readonly receiptHash: string;
  readonly recordedAt: string;
  readonly txId: string;
  readonly block: number;
}

export interface SpendCategory {
  readonly ngoId: string;
  readonly category: string;
  readonly currency: string;
  readonly spends: number;
  readonly spent: string;
}

/** An NGO's public page. */
export interface PublicNgoPage {
  readonly ngo: PublicNgo;
  readonly campaigns: readonly PublicCampaign[];
  readonly categories: readonly SpendCategory[];
  readonly recentSpends: readonly PublicSpend[];
  readonly asOfBlock: number;
}

/** A donation without its donor. */
export type PublicDonation = Omit<Donation, 'donor'>;

/** Where one donation's money went: donation -> allocations -> spends, and refunds. */
export interface DonationPath {
  readonly donation: PublicDonation;
  readonly ngoName: string;
  /** Empty when the donation is not earmarked. */
  readonly campaignName: string;
  /** The block that holds the pledge. */
  readonly pledgeBlock: number;
  readonly allocations: readonly { readonly amount: string; readonly spend: PublicSpend }[];
  readonly refunds: readonly { readonly amount: string; readonly refundedAt: string }[];
  readonly asOfBlock: number;
}

/** One change on the ledger as the public feed shows it. */
export interface ActivityItem {
  readonly block: number;
  readonly txId: string;
  readonly timestamp: string | null;
  readonly recordType: 'ngo' | 'campaign' | 'donation' | 'milestone' | 'spend';
  readonly recordId: string;
  readonly ngoId: string;
  /** The NGO's name as the ledger has it now (its ID when unknown). */
  readonly ngoName: string;
  /** Minor units, with `currency`; empty for records without an amount. */
  readonly amount: string;
  readonly currency: string;
  /** Status of the record after this change (donation, milestone, NGO), or empty. */
  readonly status: string;
  /** A name or description: NGO and campaign names, spend descriptions, milestone descriptions. */
  readonly label: string;
}

/** How many activity items the public feed gives at most. */
export const MAX_ACTIVITY = 50;
