// The read model's tables. Everything here is derived from the channel's blocks: dropping it and
// indexing again from genesis gives the same rows (see rebuild). Times are ISO 8601 text, as
// the ledger writes them, and keys sort byte by byte (collation "C"), so rows compare and page
// the same whichever store holds them.
import { Queryable } from './sql';

// Record types the ledger keeps (composite-key object types) and the read model serves: the model's.
export { isRecordType, RECORD_TYPES } from '@donation-ledger/model';
export type { RecordType } from '@donation-ledger/model';

// 2: donations are pledged, then settled; settlement batches, refunds and milestones are records.
export const SCHEMA_VERSION = '2';

const TABLES = [
  // The checkpoint (last block and its header hash), the channel and the schema version.
  `create table if not exists indexer_meta (key text collate "C" primary key, value text not null)`,
  `create table if not exists blocks (
     number bigint primary key,
     header_hash text not null,
     previous_hash text not null,
     data_hash text not null,
     tx_count integer not null)`,
  `create table if not exists transactions (
     block bigint not null references blocks (number),
     tx_index integer not null,
     tx_id text collate "C" not null,
     type text not null,
     validation_code text not null,
     creator_msp text not null,
     timestamp text,
     chaincode text,
     function text,
     primary key (block, tx_index))`,
  `create index if not exists transactions_by_id on transactions (tx_id)`,
  // Added after the first release: read models indexed before have it empty for older config blocks.
  `alter table transactions add column if not exists config_changes jsonb`,
  // Current rows: the latest value of each record written by a valid transaction.
  `create table if not exists records (
     record_type text collate "C" not null,
     record_id text collate "C" not null,
     value jsonb not null,
     block bigint not null,
     tx_index integer not null,
     tx_id text collate "C" not null,
     updated_at text,
     primary key (record_type, record_id))`,
  `create index if not exists records_by_ngo on records (record_type, (value->>'ngoId'), record_id)`,
  `create index if not exists records_by_campaign on records (record_type, (value->>'campaignId'), record_id)`,
  `create index if not exists records_by_donor on records (record_type, (value#>>'{donor,key}'), record_id)`,
  // The portal: a donation's allocations and refunds, and the newest records and changes first.
  `create index if not exists records_by_donation on records (record_type, (value->>'donationId'))`,
  `create index if not exists records_by_block on records (record_type, block desc, tx_index desc)`,
  // History rows: every revision of every record, like QLDB's history().
  `create table if not exists record_history (
     record_type text collate "C" not null,
     record_id text collate "C" not null,
     block bigint not null,
     tx_index integer not null,
     tx_id text collate "C" not null,
     timestamp text,
     is_delete boolean not null,
     value jsonb,
     primary key (record_type, record_id, block, tx_index))`,
  `create index if not exists record_history_by_block on record_history (block desc, tx_index desc)`,
];

/** One view per record type with its fields as typed columns, for analysts' SQL. */
const VIEWS = [
  `create or replace view ngos as select record_id as id, value->>'name' as name, value->>'status' as status,
     value->>'registeredAt' as registered_at, value->>'registeredBy' as registered_by, block from records where record_type = 'ngo'`,
  `create or replace view campaigns as select record_id as id, value->>'ngoId' as ngo_id, value->>'name' as name,
     (value->>'goal')::numeric as goal, value->>'currency' as currency, value->>'opensAt' as opens_at, value->>'closesAt' as closes_at, block
     from records where record_type = 'campaign'`,
  // status: pledged, settled, cancelled or refunded; only settled money (settled_at set) is money.
  `create or replace view donations as select record_id as id, value->>'ngoId' as ngo_id, value->>'campaignId' as campaign_id,
     (value->>'amount')::numeric as amount, value->>'status' as status, (value->>'remaining')::numeric as remaining,
     (value->>'refunded')::numeric as refunded, value->>'currency' as currency,
     value#>>'{donor,mspId}' as donor_msp, value#>>'{donor,key}' as donor_key, value->>'donatedAt' as donated_at,
     nullif(value->>'settledAt', '') as settled_at, block
     from records where record_type = 'donation'`,
  `create or replace view refunds as select value->>'donationId' as donation_id, (value->>'amount')::numeric as amount, value->>'currency' as currency,
     value->>'refundedAt' as refunded_at, block from records where record_type = 'refund'`,
  `create or replace view spends as select record_id as id, value->>'ngoId' as ngo_id, value->>'campaignId' as campaign_id,
     (value->>'amount')::numeric as amount, value->>'currency' as currency, value->>'category' as category,
     value->>'recordedAt' as recorded_at, block from records where record_type = 'spend'`,
  `create or replace view allocations as select value->>'spendId' as spend_id, value->>'donationId' as donation_id, value->>'ngoId' as ngo_id,
     (value->>'amount')::numeric as amount, value->>'currency' as currency, block from records where record_type = 'allocation'`,
  `create or replace view ratings as select value->>'ngoId' as ngo_id, value->>'donorKey' as donor_key, (value->>'score')::int as score,
     value->>'ratedAt' as rated_at, block from records where record_type = 'rating'`,
];

/** Tables in dependency order, for dropping (rebuild) and for comparing two stores. */
export const DATA_TABLES = ['record_history', 'records', 'transactions', 'blocks', 'indexer_meta'] as const;

export async function createSchema(db: Queryable): Promise<void> {
  for (const statement of [...TABLES, ...VIEWS]) await db.query(statement);
}

export async function dropSchema(db: Queryable): Promise<void> {
  for (const view of ['ngos', 'campaigns', 'donations', 'refunds', 'spends', 'allocations', 'ratings']) await db.query(`drop view if exists ${view}`);
  for (const table of DATA_TABLES) await db.query(`drop table if exists ${table}`);
}
