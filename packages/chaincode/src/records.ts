// The records the ledger keeps, as stored (JSON with sorted keys). Money is a decimal string of
// integer minor units with its ISO 4217 currency.

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
}

export interface Donation {
  readonly docType: 'donation';
  readonly id: string;
  readonly ngoId: string;
  readonly amount: string;
  readonly currency: string;
  /** What is left of the donation after the spends allocated to it. */
  readonly remaining: string;
  readonly donor: { readonly mspId: string; readonly id: string };
  readonly donatedAt: string;
  readonly txId: string;
}

/** Chaincode event names: one event per state change. */
export const Events = {
  NgoRegistered: 'NgoRegistered',
  DonationRecorded: 'DonationRecorded',
} as const;
