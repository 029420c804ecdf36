// The records and requests of the donation ledger as the SDK's users see them. Amounts are
// decimal strings of integer minor units (a number is accepted on input when it is a safe integer).

export type NgoStatus = 'active' | 'suspended';

export interface Ngo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly contact: string;
  readonly status: NgoStatus;
  readonly registeredAt: string;
  readonly registeredBy: string;
}

export interface RegisterNgoRequest {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly contact?: string;
}

export interface Donation {
  readonly id: string;
  readonly ngoId: string;
  readonly amount: string;
  readonly currency: string;
  readonly remaining: string;
  readonly donor: { readonly mspId: string; readonly id: string };
  readonly donatedAt: string;
  readonly txId: string;
}

export interface DonateRequest {
  /** Chosen by the client so that a retried request cannot donate twice. */
  readonly id: string;
  readonly ngoId: string;
  readonly amount: string | number;
  readonly currency: string;
}

/** What a write returns: the record written and where it landed. */
export interface Committed<T> {
  readonly result: T;
  readonly transactionId: string;
  readonly blockNumber: bigint;
}

export interface SubmitOptions {
  /**
   * Endorse only on peers of these orgs (MSP IDs). The gateway normally picks enough orgs to
   * satisfy the endorsement policy; naming fewer makes the transaction fail validation.
   */
  readonly endorsingOrganizations?: readonly string[];
}
