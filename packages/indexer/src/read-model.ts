// What the read model answers: lists and search, analytics, and audit. Every answer says which
// block it is as of (`asOfBlock`: the last block indexed when the query ran, read in the same
// SQL transaction as the rows). Bad input gets the SDK's INVALID_ARGUMENT / NOT_FOUND errors,
// so the API maps them like ledger errors.
import { LedgerDigest, LedgerError } from '@donation-ledger/client';
import type { ActivityItem, DonationPath, ExplorerBlock, ExplorerBlockDetail, PublicNgo, PublicNgoPage, PublicSpend } from '@donation-ledger/model';
import { explorerBlock, explorerBlocks } from './explorer-view';
import { donationPath, publicCampaigns, publicNgos, recentActivity, recentSpends, spendCategories } from './public-view';
import { isRecordType, RECORD_TYPES } from './schema';
import { Queryable, SqlStore } from './sql';

export interface Listing<T> {
  readonly items: readonly T[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: string | null;
  readonly asOfBlock: number;
}

export interface Report<T> {
  readonly rows: readonly T[];
  readonly asOfBlock: number;
}

export interface PageOptions {
  readonly limit?: number;
  readonly after?: string;
}

export const MAX_PAGE = 200;
export const MAX_BLOCK_RANGE = 1000;

export interface RecordFilters {
  readonly ngoId?: string;
  readonly campaignId?: string;
  readonly donorKey?: string;
  readonly status?: string;
  readonly category?: string;
  /** Case-insensitive substring of the name (NGOs, campaigns) or description (spends). */
  readonly q?: string;
}

/** Which filters each listable record type accepts, and the JSON field each one reads. */
const FILTERS: Readonly<Record<string, Partial<Record<keyof RecordFilters, string>>>> = {
  ngo: { status: "value->>'status'", q: "value->>'name'" },
  campaign: { ngoId: "value->>'ngoId'", q: "value->>'name'" },
  donation: { ngoId: "value->>'ngoId'", campaignId: "value->>'campaignId'", donorKey: "value#>>'{donor,key}'" },
  spend: { ngoId: "value->>'ngoId'", campaignId: "value->>'campaignId'", category: "value->>'category'", q: "value->>'description'" },
  proposal: { status: "value->>'status'" },
};

export interface RevisionRow {
  readonly block: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly timestamp: string | null;
  readonly validationCode: string;
  readonly blockHash: string;
  readonly isDelete: boolean;
  readonly value: unknown;
}

export class ReadModel {
  constructor(
    private readonly store: SqlStore,
    readonly channel: string,
  ) {}

  /** NGOs, campaigns, donations or spends, in ID order, filtered. */
  async list(type: string, filters: RecordFilters, page: PageOptions = {}): Promise<Listing<unknown>> {
    const accepted = FILTERS[type];
    if (!accepted) throw invalid(`record type "${type}" cannot be listed; one of: ${Object.keys(FILTERS).join(', ')}`);
    const limit = pageLimit(page.limit);
    const where = ['record_type = $1'];
    const params: unknown[] = [type];
    for (const [name, value] of Object.entries(filters) as [keyof RecordFilters, string | undefined][]) {
      if (value === undefined) continue;
      const field = accepted[name];
      if (!field) throw invalid(`${type} listings cannot be filtered by ${name}`);
      params.push(name === 'q' ? `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : value);
      where.push(name === 'q' ? `${field} ilike $${params.length}` : `${field} = $${params.length}`);
    }
    if (page.after !== undefined) {
      params.push(decodeCursor(page.after));
      where.push(`record_id > $${params.length}`);
    }
    params.push(limit + 1);
    const { rows, asOfBlock } = await this.recordsAsOf(`select record_id, value from records where ${where.join(' and ')} order by record_id limit $${params.length}`, params);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map((r) => r.value), next: rows.length > limit && last ? encodeCursor(last.record_id) : null, asOfBlock };
  }

  /** One record's current value. */
  async get(type: string, id: string): Promise<{ value: unknown; asOfBlock: number }> {
    requireRecordType(type);
    const { rows: [row], asOfBlock } = await this.recordsAsOf('select record_id, value from records where record_type = $1 and record_id = $2', [type, id]);
    if (!row) throw notFound(type, id);
    return { value: row.value, asOfBlock };
  }

  // ---- Analytics -----------------------------------------------------------------------

  /**
   * Per NGO and currency: settled donations, money given (settled), spent, refunded and left,
   * share spent, donors, spends; and pledges still waiting for their money. Pledges are not money:
   * they count only as `pledged`.
   */
  ngoTotals(ngoId?: string): Promise<Report<Record<string, unknown>>> {
    return this.report(
      `with d as (select ngo_id, currency, count(*) filter (where settled_at is not null) as donations,
                         coalesce(sum(amount) filter (where settled_at is not null), 0) as donated,
                         coalesce(sum(amount) filter (where status = 'pledged'), 0) as pledged,
                         sum(remaining) as remaining, sum(refunded) as refunded,
                         count(distinct donor_key) filter (where settled_at is not null) as donors from donations group by ngo_id, currency),
            s as (select ngo_id, currency, count(*) as spends, sum(amount) as spent from spends group by ngo_id, currency)
       select coalesce(d.ngo_id, s.ngo_id) as "ngoId", coalesce(d.currency, s.currency) as currency,
              coalesce(d.donations, 0) as donations, coalesce(d.pledged, 0)::text as pledged, coalesce(d.donated, 0)::text as donated,
              coalesce(s.spends, 0) as spends, coalesce(s.spent, 0)::text as spent, coalesce(d.refunded, 0)::text as refunded,
              coalesce(d.remaining, 0)::text as remaining,
              case when d.donated > 0 then round((d.donated - d.remaining - d.refunded) / d.donated, 4)::text else null end as "shareSpent",
              coalesce(d.donors, 0) as donors
       from d full join s on d.ngo_id = s.ngo_id and d.currency = s.currency
       where $1::text is null or coalesce(d.ngo_id, s.ngo_id) = $1
       order by 1, 2`, [ngoId ?? null]);
  }

  /**
   * Per campaign: settled donations, money given, share of the goal reached, pledges waiting; and
   * for outcome-based campaigns, milestones confirmed and the money they released (the rest of
   * what was given is held).
   */
  campaignTotals(ngoId?: string): Promise<Report<Record<string, unknown>>> {
    return this.report(
      `with d as (select campaign_id, count(*) filter (where settled_at is not null) as donations,
                         coalesce(sum(amount) filter (where settled_at is not null), 0) as donated,
                         coalesce(sum(amount) filter (where status = 'pledged'), 0) as pledged
                  from donations group by campaign_id),
            m as (select value->>'campaignId' as campaign_id, count(*) as milestones,
                         count(*) filter (where value->>'status' = 'confirmed') as confirmed,
                         coalesce(sum((value->>'amount')::numeric) filter (where value->>'status' = 'confirmed'), 0) as released
                  from records where record_type = 'milestone' group by 1)
       select c.id as "campaignId", c.ngo_id as "ngoId", c.currency, c.goal::text as goal,
              coalesce(d.donations, 0) as donations, coalesce(d.donated, 0)::text as donated, coalesce(d.pledged, 0)::text as pledged,
              case when c.goal > 0 then round(coalesce(d.donated, 0) / c.goal, 4)::text else null end as "shareOfGoal",
              coalesce(m.milestones, 0) as milestones, coalesce(m.confirmed, 0) as "milestonesConfirmed",
              case when m.campaign_id is null then null else m.released::text end as released
       from campaigns c left join d on d.campaign_id = c.id left join m on m.campaign_id = c.id
       where $1::text is null or c.ngo_id = $1
       order by 1`, [ngoId ?? null]);
  }

  /** Per month (UTC, from the settlement's time), NGO and currency: settled donations and money given. */
  monthlyTotals(ngoId?: string): Promise<Report<Record<string, unknown>>> {
    return this.report(
      `select substr(settled_at, 1, 7) as month, ngo_id as "ngoId", currency, count(*) as donations, sum(amount)::text as donated
       from donations where settled_at is not null and ($1::text is null or ngo_id = $1) group by 1, 2, 3 order by 1, 2, 3`, [ngoId ?? null]);
  }

  /** Per NGO, category and currency: spends and money spent. */
  spendByCategory(ngoId?: string): Promise<Report<Record<string, unknown>>> {
    return this.report(
      `select ngo_id as "ngoId", category, currency, count(*) as spends, sum(amount)::text as spent
       from spends where $1::text is null or ngo_id = $1 group by 1, 2, 3 order by 1, 2, 3`, [ngoId ?? null]);
  }

  // ---- The public portal (no donor identity in any answer) -----------------------------

  /** Every NGO with its money per currency, and spend per category across all NGOs. */
  async publicOverview(): Promise<{ ngos: PublicNgo[]; categories: PublicNgoPage['categories']; asOfBlock: number }> {
    const { value, asOfBlock } = await this.read(async (db) => ({ ngos: await publicNgos(db), categories: await spendCategories(db) }));
    return { ...value, asOfBlock };
  }

  /** One NGO's page: its money, campaigns with milestones, spend per category and newest spends. */
  async publicNgoPage(ngoId: string, recent: number): Promise<PublicNgoPage> {
    const { value, asOfBlock } = await this.read(async (db) => {
      const [ngo] = await publicNgos(db, ngoId);
      if (!ngo) return undefined;
      return { ngo, campaigns: await publicCampaigns(db, ngoId), categories: await spendCategories(db, ngoId), recentSpends: await recentSpends(db, recent, ngoId) };
    });
    if (!value) throw notFound('ngo', ngoId);
    return { ...value, asOfBlock };
  }

  /** The newest spends of all NGOs, with their receipt hashes. */
  async publicSpends(limit: number): Promise<Report<PublicSpend>> {
    const { value, asOfBlock } = await this.read((db) => recentSpends(db, limit));
    return { rows: value, asOfBlock };
  }

  /** Where a donation went, found by its receipt code (the donation's ID). */
  async donationPath(donationId: string): Promise<DonationPath> {
    const { value, asOfBlock } = await this.read((db) => donationPath(db, donationId));
    if (!value) throw notFound('donation', donationId);
    return { ...value, asOfBlock };
  }

  /** The newest changes to NGOs, campaigns, donations, milestones and spends. */
  async activity(limit: number): Promise<Report<ActivityItem>> {
    const { value, asOfBlock } = await this.read((db) => recentActivity(db, limit));
    return { rows: value, asOfBlock };
  }

  // ---- The explorer (operators and auditors) -------------------------------------------

  /** The newest blocks below `before`, newest first. */
  async explorerBlocks(before: number | undefined, limit: number): Promise<Report<ExplorerBlock>> {
    const { value, asOfBlock } = await this.read((db) => explorerBlocks(db, before, limit));
    return { rows: value, asOfBlock };
  }

  /** One block's transactions: validation codes, creators, functions, config changes, records written. */
  async explorerBlock(number: number): Promise<ExplorerBlockDetail> {
    const { value, asOfBlock } = await this.read((db) => explorerBlock(db, number));
    if (!value) throw new LedgerError('NOT_FOUND', `block ${number} is not in the read model (as of block ${asOfBlock})`);
    return { ...value, asOfBlock };
  }

  // ---- Audit ---------------------------------------------------------------------------

  /** (height, hash of the last indexed block's header), as the read model has it. */
  async digest(): Promise<LedgerDigest & { asOfBlock: number }> {
    const { value, asOfBlock } = await this.read(async (db) => (await db.query<{ header_hash: string }>('select header_hash from blocks order by number desc limit 1'))[0]);
    return { channel: this.channel, height: asOfBlock + 1, blockHash: value?.header_hash ?? '', asOfBlock };
  }

  /**
   * Checks that the indexed chain passes through a digest saved earlier, and that every indexed
   * block still links to the one before it.
   */
  async verifyDigest(saved: LedgerDigest): Promise<{ ok: true; digest: LedgerDigest } | { ok: false; blockNumber: number; reason: string }> {
    if (saved.channel !== this.channel) throw invalid(`the digest is of channel "${saved.channel}", this ledger is "${this.channel}"`);
    if (!Number.isSafeInteger(saved.height) || saved.height < 1) throw invalid('the digest height must be a whole number of at least 1');
    const current = await this.digest();
    if (saved.height > current.height) {
      throw invalid(`the digest is from the future: it covers ${saved.height} blocks, the read model has ${current.height} (if the ledger is ahead, wait for the indexer and retry)`);
    }
    const [block] = await this.store.query<{ header_hash: string }>('select header_hash from blocks where number = $1', [saved.height - 1]);
    if (block?.header_hash !== saved.blockHash) {
      return { ok: false, blockNumber: saved.height - 1, reason: `block ${saved.height - 1}: its header hash differs from the saved digest` };
    }
    const [broken] = await this.store.query<{ number: number }>(
      `select b.number from blocks b join blocks p on p.number = b.number - 1
       where b.number >= $1 and b.previous_hash <> p.header_hash order by b.number limit 1`, [saved.height - 1]);
    if (broken) return { ok: false, blockNumber: Number(broken.number), reason: `block ${broken.number}: its previous-block hash does not match block ${Number(broken.number) - 1}` };
    return { ok: true, digest: { channel: current.channel, height: current.height, blockHash: current.blockHash } };
  }

  /** Every revision of a record, oldest first, each with its block, transaction and validation code. */
  async history(type: string, id: string): Promise<Report<RevisionRow>> {
    requireRecordType(type);
    const result = await this.read((db) => db.query<Record<string, unknown>>(
      `select h.block, h.tx_index, h.tx_id, h.timestamp, t.validation_code, b.header_hash, h.is_delete, h.value
       from record_history h join transactions t on t.block = h.block and t.tx_index = h.tx_index join blocks b on b.number = h.block
       where h.record_type = $1 and h.record_id = $2 order by h.block, h.tx_index`, [type, id]));
    if (result.value.length === 0) throw notFound(type, id);
    return { asOfBlock: result.asOfBlock, rows: result.value.map(revisionOf) };
  }

  /** For each revision: block number and hash, transaction ID and validation code (no values). */
  async proof(type: string, id: string): Promise<Report<Omit<RevisionRow, 'value'>>> {
    const { rows, asOfBlock } = await this.history(type, id);
    return { asOfBlock, rows: rows.map(withoutValue) };
  }

  /** Blocks `from` to `to` (inclusive), at most MAX_BLOCK_RANGE at a time. */
  async blocks(from: number, to: number): Promise<Report<Record<string, unknown>>> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < 0) throw invalid('from and to must be whole block numbers, 0 or more');
    if (from > to) throw invalid(`the block range is empty: from ${from} is after to ${to}`);
    if (to - from + 1 > MAX_BLOCK_RANGE) throw invalid(`at most ${MAX_BLOCK_RANGE} blocks at a time (asked for ${to - from + 1})`);
    const result = await this.report<Record<string, unknown>>(
      `select number, header_hash as "headerHash", previous_hash as "previousHash", data_hash as "dataHash", tx_count as "txCount"
       from blocks where number between $1 and $2 order by number`, [from, to]);
    if (to > result.asOfBlock) throw invalid(`block ${to} is not indexed yet: the read model is at block ${result.asOfBlock}`);
    return result;
  }

  /** A transaction's block, position, validation code, creator and time. */
  async transaction(txId: string): Promise<{ value: Record<string, unknown>; asOfBlock: number }> {
    const result = await this.read(async (db) => (await db.query<Record<string, unknown>>(
      `select block, tx_index as "txIndex", tx_id as "txId", type, validation_code as "validationCode", creator_msp as "creatorMspId",
              timestamp, function from transactions where tx_id = $1 order by block, tx_index limit 1`, [txId]))[0]);
    if (!result.value) throw new LedgerError('NOT_FOUND', `transaction ${txId} is not in the read model (as of block ${result.asOfBlock})`);
    return { value: result.value, asOfBlock: result.asOfBlock };
  }

  private async report<T>(sql: string, params: readonly unknown[]): Promise<Report<T>> {
    const { value, asOfBlock } = await this.read((db) => db.query<T>(sql, params));
    return { rows: value, asOfBlock };
  }

  /**
   * Records (`select record_id, value from records ...`) and the checkpoint in ONE statement, so one
   * snapshot: a page costs one round trip to the store instead of four (begin, checkpoint, rows,
   * commit), which on the embedded store was most of a page's time.
   */
  private async recordsAsOf(sql: string, params: readonly unknown[]): Promise<{ rows: { record_id: string; value: unknown }[]; asOfBlock: number }> {
    const rows = await this.store.query<{ as_of: string; record_id: string | null; value: unknown }>(
      `select m.value as as_of, r.record_id, r.value from indexer_meta m left join lateral (${sql}) r on true where m.key = 'last_block'`, params);
    return {
      rows: rows.flatMap((r) => (r.record_id === null ? [] : [{ record_id: r.record_id, value: r.value }])),
      asOfBlock: rows[0] ? Number(rows[0].as_of) : -1,
    };
  }

  /** Runs `query` and reads the checkpoint in one transaction, so `asOfBlock` describes the rows. */
  private async read<T>(query: (db: Queryable) => Promise<T>): Promise<{ value: T; asOfBlock: number }> {
    return this.store.transaction(async (db) => {
      const [meta] = await db.query<{ value: string }>(`select value from indexer_meta where key = 'last_block'`);
      const value = await query(db);
      return { value, asOfBlock: meta ? Number(meta.value) : -1 };
    });
  }
}

function withoutValue(revision: RevisionRow): Omit<RevisionRow, 'value'> {
  const { block, txIndex, txId, timestamp, validationCode, blockHash, isDelete } = revision;
  return { block, txIndex, txId, timestamp, validationCode, blockHash, isDelete };
}

function revisionOf(row: Record<string, unknown>): RevisionRow {
  return {
    block: Number(row.block),
    txIndex: Number(row.tx_index),
    txId: String(row.tx_id),
    timestamp: (row.timestamp as string | null) ?? null,
    validationCode: String(row.validation_code),
    blockHash: String(row.header_hash),
    isDelete: Boolean(row.is_delete),
    value: row.value ?? null,
  };
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid(`limit must be a whole number from 1 to ${MAX_PAGE}`);
  return limit;
}

const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!cursor || encodeCursor(id) !== cursor) throw invalid('after is not a cursor this API returned');
  return id;
}

function requireRecordType(type: string): void {
  if (!isRecordType(type)) throw invalid(`unknown record type "${type}"; one of: ${RECORD_TYPES.join(', ')}`);
}

const invalid = (message: string): LedgerError => new LedgerError('INVALID_ARGUMENT', message);
const notFound = (type: string, id: string): LedgerError => new LedgerError('NOT_FOUND', `${type} ${id} is not in the read model`);
