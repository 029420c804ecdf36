// The types of record the ledger stores. Each name is at once the record's `docType` and the
// object type of its composite key, which is how the indexer tells from a block's writes what
// record each one is. So the chaincode's keys, its stored records and the indexer's tables all
// follow this one list.
import type { Governance, Proposal } from './governance';
import type { AllocationRecord, Campaign, Donation, Milestone, Ngo, Rating, Refund, SettlementBatch, Spend } from './records';

/** In the order the read model lists them. */
export const RecordType = {
  Ngo: 'ngo',
  Campaign: 'campaign',
  Donation: 'donation',
  Milestone: 'milestone',
  Settlement: 'settlement',
  Refund: 'refund',
  Spend: 'spend',
  Allocation: 'allocation',
  Rating: 'rating',
  Proposal: 'proposal',
  Governance: 'governance',
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export const RECORD_TYPES: readonly RecordType[] = Object.values(RecordType);

export const isRecordType = (value: string): value is RecordType => (RECORD_TYPES as readonly string[]).includes(value);

/** The shape of each type of record (without its docType). */
export interface RecordOfType {
  readonly ngo: Ngo;
  readonly campaign: Campaign;
  readonly donation: Donation;
  readonly milestone: Milestone;
  readonly settlement: SettlementBatch;
  readonly refund: Refund;
  readonly spend: Spend;
  readonly allocation: AllocationRecord;
  readonly rating: Rating;
  readonly proposal: Proposal;
  readonly governance: Governance;
}

/** A record as the chaincode stores it: its shape, and the docType that names its type. */
export type Stored<K extends RecordType> = RecordOfType[K] & { readonly docType: K };

/** Record types whose every revision can be asked for (the chaincode's GetHistory), in this order. */
export const HISTORY_RECORD_TYPES = [RecordType.Ngo, RecordType.Campaign, RecordType.Donation, RecordType.Spend, RecordType.Proposal] as const;
export type HistoryRecordType = (typeof HISTORY_RECORD_TYPES)[number];
