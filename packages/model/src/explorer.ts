// What the explorer shows operators and auditors: blocks and their transactions, from the read model.

/** A block as the explorer lists it. */
export interface ExplorerBlock {
  readonly number: number;
  readonly headerHash: string;
  readonly txCount: number;
  /** Transactions the peers marked invalid (MVCC conflicts, endorsement failures...). */
  readonly invalid: number;
  readonly isConfig: boolean;
  /** The earliest transaction time in it (the clients' clocks), or null. */
  readonly timestamp: string | null;
}

/** What a block says of one of its transactions (the indexer decodes it; the explorer shows it). */
export interface TransactionHeader {
  readonly index: number;
  readonly txId: string;
  /** common.HeaderType name: ENDORSER_TRANSACTION, CONFIG, ... */
  readonly type: string;
  /** peer.TxValidationCode name: VALID, MVCC_READ_CONFLICT, ...: the peer's decision, not covered by the orderers' signatures. */
  readonly validationCode: string;
  readonly creatorMspId: string;
  /** ISO 8601, from the channel header (the client's clock when it built the proposal). */
  readonly timestamp: string | null;
  readonly chaincode: string | null;
  readonly function: string | null;
  /** What a CONFIG transaction changed ("Application/AuditorMSP added"); null for others (and for config blocks indexed before this was kept). */
  readonly configChanges: readonly string[] | null;
}

/** One block with its transactions, for the explorer. */
export interface ExplorerBlockDetail {
  readonly number: number;
  readonly headerHash: string;
  readonly previousHash: string;
  readonly dataHash: string;
  readonly txCount: number;
  readonly transactions: readonly (TransactionHeader & {
    /** The records it wrote (valid transactions only). */
    readonly records: readonly { readonly recordType: string; readonly recordId: string }[];
  })[];
  readonly asOfBlock: number;
}

/** How many blocks the explorer lists at once at most. */
export const MAX_EXPLORER_BLOCKS = 100;
