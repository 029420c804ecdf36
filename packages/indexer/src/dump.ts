// Every row of the read model in a fixed order: how rebuild is compared with incremental
// indexing, and one store with another.
import { DATA_TABLES } from './schema';
import { Queryable } from './sql';

const ORDER: Readonly<Record<(typeof DATA_TABLES)[number], string>> = {
  indexer_meta: 'key',
  blocks: 'number',
  transactions: 'block, tx_index',
  records: 'record_type, record_id',
  record_history: 'record_type, record_id, block, tx_index',
};

export async function dumpTables(db: Queryable): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of DATA_TABLES) dump[table] = await db.query(`select * from ${table} order by ${ORDER[table]}`);
  return dump;
}
