// The explorer's questions, for operators and auditors: the newest blocks, and one block's
// transactions with their validation codes, creators, functions, what a config block changed,
// and the records each transaction wrote (which link to those records' histories).
import type { ExplorerBlock, ExplorerBlockDetail } from '@donation-ledger/model';
import { Queryable } from './sql';

/** Blocks numbered below `before` (all when undefined), newest first. */
export async function explorerBlocks(db: Queryable, before: number | undefined, limit: number): Promise<ExplorerBlock[]> {
  const rows = await db.query<ExplorerBlock & { number: number }>(
    `select b.number::int as number, b.header_hash as "headerHash", b.tx_count as "txCount",
            count(t.tx_id) filter (where t.validation_code <> 'VALID')::int as invalid,
            bool_or(t.type = 'CONFIG') as "isConfig", min(t.timestamp) as timestamp
     from blocks b left join transactions t on t.block = b.number
     where $1::bigint is null or b.number < $1
     group by b.number order by b.number desc limit $2`, [before ?? null, limit]);
  return rows.map((r) => ({ ...r, number: Number(r.number), isConfig: Boolean(r.isConfig) }));
}

/** One block with its transactions, or undefined when it is not indexed. */
export async function explorerBlock(db: Queryable, number: number): Promise<Omit<ExplorerBlockDetail, 'asOfBlock'> | undefined> {
  const [block] = await db.query<{ number: number; headerHash: string; previousHash: string; dataHash: string; txCount: number }>(
    `select number::int as number, header_hash as "headerHash", previous_hash as "previousHash", data_hash as "dataHash", tx_count as "txCount"
     from blocks where number = $1`, [number]);
  if (!block) return undefined;
  const transactions = await db.query<ExplorerBlockDetail['transactions'][number]>(
    `select t.tx_index as index, t.tx_id as "txId", t.type, t.validation_code as "validationCode", t.creator_msp as "creatorMspId", t.timestamp,
            t.chaincode, t.function, t.config_changes as "configChanges",
            coalesce((select jsonb_agg(jsonb_build_object('recordType', h.record_type, 'recordId', h.record_id) order by h.record_type, h.record_id)
                      from record_history h where h.block = t.block and h.tx_index = t.tx_index), '[]'::jsonb) as records
     from transactions t where t.block = $1 order by t.tx_index`, [number]);
  return { ...block, number: Number(block.number), transactions };
}
