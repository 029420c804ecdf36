// The records the ledger keeps, as stored: the shapes of @donation-ledger/model with the docType
// naming each one's type (JSON with sorted keys). Only the stored form is named here; the fields
// are declared once, in the model.
import type { Stored } from '@donation-ledger/model';

export type Ngo = Stored<'ngo'>;
export type Campaign = Stored<'campaign'>;
export type Milestone = Stored<'milestone'>;
export type Donation = Stored<'donation'>;
export type SettlementBatch = Stored<'settlement'>;
export type Refund = Stored<'refund'>;
export type AllocationRecord = Stored<'allocation'>;
export type Spend = Stored<'spend'>;
export type Rating = Stored<'rating'>;

export { DONATION_STATUSES, DONOR_DETAILS_COLLECTION, Events } from '@donation-ledger/model';
export type { DonationStatus, DonorDetails, DonorRef, MilestoneStatus, NgoStatus, Page, Revision } from '@donation-ledger/model';
