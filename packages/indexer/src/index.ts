// The read model of the donation ledger: indexer, SQL stores and queries.
export { decodeBlock, splitCompositeKey } from './blocks';
export type { BlockTransaction, DecodedBlock, KeyWrite } from './blocks';
export { ChainBreakError, CheckpointError, Indexer, INDEXER_STATES, IndexerTimeoutError } from './indexer';
export type { IndexerOptions, IndexerState, IndexerStatus } from './indexer';
export { MAX_BLOCK_RANGE, MAX_PAGE, ReadModel } from './read-model';
export type { Listing, PageOptions, RecordFilters, Report, RevisionRow } from './read-model';
export { DATA_TABLES, isRecordType, RECORD_TYPES } from './schema';
export type { RecordType } from './schema';
export { startReadModel } from './service';
export type { ReadModelOptions, ReadModelService } from './service';
export { openStore, redact } from './sql';
export type { Queryable, SqlStore, StoreConfig } from './sql';
export { dumpTables } from './dump';
