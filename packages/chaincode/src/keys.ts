// Every key the contract writes, in one place. Records live under their own type; listings use
// index keys whose last attribute is the record's ID. No key is shared by concurrent donations,
// so donations to one NGO never conflict with each other. A record's key type is its record type
// (@donation-ledger/model's RecordType, also its docType): the indexer reads records by it.
import { HISTORY_RECORD_TYPES, RecordType } from '@donation-ledger/model';
import { ChaincodeStub } from 'fabric-shim-api';

export const KeyType = {
  Ngo: RecordType.Ngo,
  Campaign: RecordType.Campaign,
  Donation: RecordType.Donation,
  Spend: RecordType.Spend,
  /** [spendId, donationId]: one piece of a spend paid by one donation. */
  Allocation: RecordType.Allocation,
  /** [ngoId, donorKey]: one rating per donor per NGO. */
  Rating: RecordType.Rating,
  CampaignsByNgo: 'campaign~ngo',
  DonationsByNgo: 'donation~ngo',
  DonationsByCampaign: 'donation~campaign',
  /** [donorKey, ngoId, donationId]: a donor's donations (all, or to one NGO: may they rate it?). */
  DonorNgos: 'donor~ngo',
  /**
   * [ngoId, pool, currency, settledAt, donationId]: settled donations with money left, oldest
   * settlement first. Pledges never enter it, so only money that arrived pays for spends.
   */
  Unspent: 'unspent',
  /** [batchId]: a settlement batch; its ID makes a retried batch a no-op. */
  Settlement: RecordType.Settlement,
  /** [donationId, txId]: one refund of a donation. */
  Refund: RecordType.Refund,
  /** [campaignId, index as two digits]: a milestone of an outcome-based campaign (key-level endorsement policy). */
  Milestone: RecordType.Milestone,
  /** [campaignId]: how much spends have taken from an outcome-based campaign, against what its milestones released. */
  CampaignSpent: 'campaign~spent',
  SpendsByNgo: 'spend~ngo',
  AllocationsByDonation: 'allocation~donation',
  /** No attributes: the one governance record (members and voting policy) of the channel. */
  Governance: RecordType.Governance,
  Proposal: RecordType.Proposal,
  /** [targetMspId, proposalId]: proposals about one org, to refuse a second open one. */
  ProposalsByTarget: 'proposal~target',
} as const;

/** The pool of donations not earmarked to a campaign. */
export const GENERAL_POOL = '-';

export const key = (stub: ChaincodeStub, type: string, ...attributes: string[]): string => stub.createCompositeKey(type, attributes);

/** Record types whose history can be asked for, with the key type they are stored under (the same name). */
export const HISTORY_TYPES: Readonly<Record<string, string>> = Object.fromEntries(HISTORY_RECORD_TYPES.map((type) => [type, type]));
