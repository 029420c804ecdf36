// The indexer: follows the channel's blocks from its checkpoint (one block stream from the
// checkpoint where the peer can push, or fetching block by block where it cannot) and writes each
// block, its transactions and the records they changed into SQL, in ONE transaction together with
// the new checkpoint (up to BATCH_BLOCKS blocks of history at a time while catching up). Killed at
// any point, it restarts from the last block it fully stored: no gap, no duplicate. Each block must hash to what the previous block says and carry the orderer
// signatures the channel configuration in force requires, or indexing stops loudly, naming the
// block: a read model that silently skips or accepts a forged block is worse than none.
//
// What the signatures do not cover: the validation code of each transaction (block metadata) is
// what the serving peer decided. Trusting one's own org's peer for it is the default; with
// `crossCheck`, every block's codes must also equal those of another org's peer.
import { EventEmitter } from 'node:events';
import { BlockSource, BlockStream, checkSignaturesAndAdvance, OrdererTrust, ordererTrustOf } from '@donation-ledger/client';
import { common } from '@hyperledger/fabric-protos';
import { decodeBlock, decodeBlockMessage, DecodedBlock, validationCodeName, validationFlags } from './blocks';
import { createSchema, dropSchema, isRecordType, SCHEMA_VERSION } from './schema';
import { Queryable, SqlStore } from './sql';

/** The checkpoint is missing, inconsistent, or belongs to another ledger: rebuild the index. */
export class CheckpointError extends Error {
  constructor(detail: string) {
    super(`${detail}; the read model is derived data: rebuild it from the ledger with "npm run indexer -- rebuild" (or start the API with INDEXER_REBUILD=1)`);
    this.name = 'CheckpointError';
  }
}

/**
 * A block does not hash to what its neighbours say, lacks the orderer signatures its channel
 * requires, or its validation codes differ between peers: the chain is broken or the copy
 * tampered with.
 */
export class ChainBreakError extends Error {
  constructor(
    readonly blockNumber: number,
    detail: string,
  ) {
    super(`block ${blockNumber}: ${detail}`);
    this.name = 'ChainBreakError';
  }
}

export interface IndexerOptions {
  readonly source: BlockSource;
  readonly store: SqlStore;
  /** The chaincode whose records are indexed. */
  readonly chaincode: string;
  /**
   * A second peer (another org's) whose copy of each block must carry the same validation codes;
   * a difference halts indexing. Costs one block read from that peer per block.
   */
  readonly crossCheck?: { readonly source: BlockSource; readonly name: string };
  /** Hex header hash of the channel's genesis block (from the connection profile): block 0 must have it. */
  readonly genesisHash?: string;
  /** How often to look for new blocks when caught up (default 200 ms). */
  readonly pollIntervalMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export const INDEXER_STATES = ['idle', 'following', 'halted', 'stopped'] as const;
export type IndexerState = (typeof INDEXER_STATES)[number];

export interface IndexerStatus {
  readonly state: IndexerState;
  readonly store: SqlStore['kind'];
  readonly channel: string;
  /** Blocks indexed: 0 to height - 1. */
  readonly height: number;
  /** Header hash of block height - 1 (empty when nothing is indexed yet). */
  readonly blockHash: string;
  /** Why indexing stopped (halted) or why the last attempt failed (following). */
  readonly error?: string;
}

interface Checkpoint {
  readonly height: number;
  readonly blockHash: string;
}

/** A block checked and ready to store, with the orderer trust in force after it. */
interface Accepted {
  readonly block: DecodedBlock;
  readonly trust: OrdererTrust | undefined;
}

/**
 * Blocks of history stored in one SQL transaction during catch-up: one commit per block was most
 * of a catch-up's cost (see docs/benchmarks.md); a killed catch-up loses at most this much work.
 */
const BATCH_BLOCKS = 100;

/**
 * The embedded store has no autovacuum: the indexer vacuums and analyzes the tables it writes once
 * the rows written since the last time reach this share of those there were then (autovacuum's
 * default scale factor), and at least MAINTENANCE_MIN_ROWS. Without statistics a page of 20 of an
 * NGO's 10,000 donations sorted all 10,000 (20 ms instead of 1), and a lookup by transaction ID
 * scanned every transaction.
 */
const MAINTENANCE_SHARE = 0.2;
const MAINTENANCE_MIN_ROWS = 1000;
const MAINTAINED_TABLES = ['records', 'record_history', 'transactions', 'blocks'] as const;

const META = { schema: 'schema_version', channel: 'channel', chaincode: 'chaincode', lastBlock: 'last_block', lastHash: 'last_hash' } as const;

export class Indexer {
  private checkpoint: Checkpoint;
  private state: IndexerState = 'idle';
  private lastError: string | undefined;
  private readonly progress = new EventEmitter();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private stream: BlockStream | undefined;
  /** Rows written since the tables were last vacuumed and analyzed, and the rows they had then. */
  private maintenance = { written: 0, rowsThen: 0 };

  private constructor(
    private readonly options: IndexerOptions,
    checkpoint: Checkpoint,
    /** The channel configuration in force at the checkpoint: who must sign the next block. */
    private trust: OrdererTrust | undefined,
  ) {
    this.checkpoint = checkpoint;
    this.progress.setMaxListeners(0);
  }

  /** Opens the index in `store`, creating it when empty; refuses a missing or inconsistent checkpoint. */
  static async open(options: IndexerOptions): Promise<Indexer> {
    await createSchema(options.store);
    const checkpoint = await readCheckpoint(options);
    await checkAgainstLedger(options.source, checkpoint);
    const indexer = new Indexer(options, checkpoint, await trustAtCheckpoint(options, checkpoint));
    await indexer.maintainIfNeverAnalyzed();
    return indexer;
  }

  /** Drops every table and opens an empty index: the next catch-up indexes from genesis. */
  static async rebuild(options: IndexerOptions): Promise<Indexer> {
    await dropSchema(options.store);
    return Indexer.open(options);
  }

  get height(): number {
    return this.checkpoint.height;
  }

  /** The height of the ledger the indexer follows (not of the index). */
  ledgerHeight(): Promise<number> {
    return this.options.source.height();
  }

  status(): IndexerStatus {
    return {
      state: this.state,
      store: this.options.store.kind,
      channel: this.options.source.channel,
      height: this.checkpoint.height,
      blockHash: this.checkpoint.blockHash,
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  /**
   * Indexes every block the ledger has now; returns the new height. `onIndexed` hears of each
   * block stored (for progress output). Where the source can push blocks, they come as one stream
   * from the checkpoint and are stored up to BATCH_BLOCKS to a SQL transaction; otherwise one
   * query per block.
   */
  async catchUp(onIndexed?: (height: number, target: number) => void): Promise<number> {
    const { source } = this.options;
    const target = await source.height();
    if (source.blocks && this.checkpoint.height < target) {
      await this.consume(await source.blocks(this.checkpoint.height), target, { until: target, onIndexed });
      return this.checkpoint.height;
    }
    while (this.checkpoint.height < target && this.state !== 'stopped') {
      const bytes = await this.options.source.block(this.checkpoint.height);
      const accepted = await this.accept(common.Block.deserializeBinary(bytes), this.checkpoint, this.trust);
      await this.commit([accepted], { maintain: accepted.block.number + 1 >= target });
      onIndexed?.(this.checkpoint.height, target);
    }
    return this.checkpoint.height;
  }

  /** Indexes one serialized block: it must be the next one, link to the last and be signed as required. */
  async indexBlock(bytes: Uint8Array): Promise<void> {
    const accepted = await this.accept(common.Block.deserializeBinary(bytes), this.checkpoint, this.trust);
    await this.commit([accepted], { maintain: true });
  }

  /**
   * Checks a block against the block before it (the checkpoint, or the last block accepted but
   * not stored yet): it must be the next, link to it, and carry the orderer signatures the
   * configuration in force requires. Returns it decoded, with the trust it leaves in force.
   */
  private async accept(message: common.Block, after: Checkpoint, trust: OrdererTrust | undefined): Promise<Accepted> {
    const block = decodeBlockMessage(message, this.options.chaincode);
    verifyLink(block, after);
    if (block.number === 0 && this.options.genesisHash !== undefined && block.headerHash !== this.options.genesisHash) {
      throw new ChainBreakError(0, `it is not this channel's genesis block (hash ${short(block.headerHash)}, the profile names ${short(this.options.genesisHash)})`);
    }
    const signatures = await checkSignaturesAndAdvance(message, block.number, trust);
    if ('reason' in signatures) throw new ChainBreakError(block.number, signatures.reason);
    if (this.options.crossCheck) await crossCheckValidity(message, block.number, this.options.crossCheck);
    return { block, trust: signatures.trust };
  }

  /**
   * Stores accepted blocks and the new checkpoint in ONE SQL transaction; only then moves the
   * checkpoint. With `maintain` (not between the batches of a catch-up: each pass reads the
   * tables), vacuums and analyzes when due, before announcing the blocks: a reader waiting for
   * them then finds the statistics in place rather than waiting behind the vacuum.
   */
  private async commit(accepted: readonly Accepted[], { maintain }: { maintain: boolean }): Promise<void> {
    const last = accepted[accepted.length - 1];
    if (!last) return;
    const written = await this.options.store.transaction(async (tx) => {
      const rows = await storeBlocks(tx, accepted.map(({ block }) => block));
      await setMeta(tx, META.lastBlock, String(last.block.number));
      await setMeta(tx, META.lastHash, last.block.headerHash);
      return rows;
    });
    this.checkpoint = { height: last.block.number + 1, blockHash: last.block.headerHash };
    this.trust = last.trust;
    this.maintenance.written += written;
    if (maintain && this.maintenance.written >= Math.max(MAINTENANCE_MIN_ROWS, MAINTENANCE_SHARE * this.maintenance.rowsThen)) await this.maintain();
    for (const { block } of accepted) this.progress.emit('block', block.number);
  }

  /** Vacuums and analyzes the tables (see MAINTENANCE_SHARE); remembers how many rows they had. */
  private async maintain(): Promise<void> {
    const { store } = this.options;
    await store.maintain(MAINTAINED_TABLES);
    this.maintenance = { written: 0, rowsThen: await tableRows(store) };
  }

  /** A read model indexed before the indexer maintained its tables has no statistics yet. */
  private async maintainIfNeverAnalyzed(): Promise<void> {
    const [records] = await this.options.store.query<{ analyzed: boolean }>(
      `select reltuples >= 0 as analyzed from pg_class where oid = 'records'::regclass`);
    if (this.checkpoint.height > 0 && records?.analyzed === false) await this.maintain();
    else this.maintenance.rowsThen = await tableRows(this.options.store);
  }

  /**
   * Indexes a stream of serialized blocks from the checkpoint on. Blocks below `history` (the
   * ledger's height when the stream opened) are stored BATCH_BLOCKS to a SQL transaction; later
   * ones, pushed as they are committed, one by one. With `until`, stops at that height. A block
   * seen again (after a reconnect) is skipped.
   */
  private async consume(
    stream: BlockStream, history: number, options: { until?: number; onIndexed?: ((height: number, target: number) => void) | undefined } = {},
  ): Promise<void> {
    this.stream = stream;
    let pending: Accepted[] = [];
    let tip = this.checkpoint;
    let trust = this.trust;
    const flush = async (maintain: boolean): Promise<void> => {
      const batch = pending;
      pending = [];
      await this.commit(batch, { maintain });
      for (const { block } of batch) options.onIndexed?.(block.number + 1, options.until ?? history);
    };
    try {
      for await (const bytes of stream) {
        if (this.state === 'stopped' || this.state === 'halted') break;
        const message = common.Block.deserializeBinary(bytes);
        if ((message.getHeader()?.getNumber() ?? 0) < tip.height) continue;
        const accepted = await this.accept(message, tip, trust);
        pending.push(accepted);
        tip = { height: accepted.block.number + 1, blockHash: accepted.block.headerHash };
        trust = accepted.trust;
        if (pending.length >= BATCH_BLOCKS || tip.height >= history) await flush(tip.height >= history);
        if (options.until !== undefined && tip.height >= options.until) break;
      }
      await flush(true);
    } catch (err) {
      // The blocks before a broken one were checked: keep them, so the halt names the right height.
      if (err instanceof ChainBreakError) await flush(false);
      throw err;
    } finally {
      this.stream = undefined;
      stream.close();
    }
  }

  /** Follows the channel in the background until stop(); halts on a broken chain. */
  start(): void {
    if (this.loop) return;
    this.state = 'following';
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    if (this.state !== 'halted') this.state = 'stopped';
    this.wake?.();
    this.stream?.close();
    await this.loop;
    this.progress.emit('stopped');
  }

  /** Resolves once block `blockNumber` is indexed (read-your-writes); rejects after `timeoutMs`. */
  async waitForBlock(blockNumber: number, timeoutMs: number): Promise<void> {
    if (this.checkpoint.height > blockNumber) return;
    await this.waitUntil(() => this.checkpoint.height > blockNumber, timeoutMs, `block ${blockNumber}`);
  }

  /** Resolves with the block of transaction `txId` once it is indexed; rejects after `timeoutMs`. */
  async waitForTransaction(txId: string, timeoutMs: number): Promise<{ block: number; validationCode: string }> {
    let found: { block: number; validationCode: string } | undefined;
    const lookUp = async (): Promise<boolean> => {
      const rows = await this.options.store.query<{ block: number; validation_code: string }>(
        'select block, validation_code from transactions where tx_id = $1 order by block, tx_index limit 1', [txId]);
      found = rows[0] && { block: Number(rows[0].block), validationCode: rows[0].validation_code };
      return found !== undefined;
    };
    if (!(await lookUp())) await this.waitUntil(lookUp, timeoutMs, `transaction ${txId}`);
    return found!;
  }

  private async waitUntil(reached: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.progress.off('block', check);
        this.progress.off('stopped', onStop);
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        Promise.resolve(reached()).then((ok) => ok && done(), (err: unknown) => done(err as Error));
      };
      const onStop = (): void => done(new Error(`the indexer stopped before ${what} was indexed`));
      const timer = setTimeout(() => done(new IndexerTimeoutError(`${what} was not indexed within ${timeoutMs} ms (indexed height ${this.checkpoint.height})`)), timeoutMs);
      this.progress.on('block', check);
      this.progress.on('stopped', onStop);
      check();
    });
  }

  private async follow(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    let failures = 0;
    while (this.state === 'following') {
      try {
        const { source } = this.options;
        if (source.blocks) {
          // One stream from the checkpoint: the history in batches, then each block as it is pushed.
          const history = await source.height();
          await this.consume(await source.blocks(this.checkpoint.height), history, {
            onIndexed: () => {
              if (this.lastError) log('info', `indexer: reading blocks again at height ${this.checkpoint.height}`);
              this.lastError = undefined;
              failures = 0;
            },
          });
        } else {
          await this.catchUp();
          if (this.lastError) log('info', `indexer: reading blocks again at height ${this.checkpoint.height}`);
          this.lastError = undefined;
          failures = 0;
        }
      } catch (err) {
        if (err instanceof ChainBreakError) {
          this.state = 'halted';
          this.lastError = err.message;
          log('error', `indexer HALTED: ${err.message}. The read model stays at height ${this.checkpoint.height}; investigate the ledger before rebuilding.`);
          this.progress.emit('stopped');
          return;
        }
        failures++;
        this.lastError = (err as Error).message;
        if (failures === 1 || failures % 20 === 0) log('warn', `indexer: cannot read blocks (${this.lastError}); retrying`);
      }
      await this.pause(failures === 0 ? (this.options.pollIntervalMs ?? 200) : Math.min(5000, 200 * 2 ** failures));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

export class IndexerTimeoutError extends Error {
  override name = 'IndexerTimeoutError';
}

function verifyLink(block: DecodedBlock, checkpoint: Checkpoint): void {
  if (block.number !== checkpoint.height) throw new ChainBreakError(block.number, `expected block ${checkpoint.height} next, got block ${block.number}`);
  if (block.computedDataHash !== block.dataHash) throw new ChainBreakError(block.number, 'its transactions do not match the data hash in its header (the block was altered)');
  if (block.number > 0 && block.previousHash !== checkpoint.blockHash) {
    throw new ChainBreakError(block.number, `its previous-block hash ${short(block.previousHash)} does not match the header hash ${short(checkpoint.blockHash)} of block ${block.number - 1}`);
  }
}

/**
 * The validation codes of block `number` must be the same on the other org's peer. A peer that
 * cannot answer yet (down, or behind) is a passing failure the follow loop retries; a difference
 * halts.
 */
async function crossCheckValidity(block: common.Block, number: number, crossCheck: NonNullable<IndexerOptions['crossCheck']>): Promise<void> {
  const other = common.Block.deserializeBinary(await crossCheck.source.block(number));
  const ours = validationFlags(block);
  const theirs = validationFlags(other);
  const differences: string[] = [];
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
    if (ours[i] !== theirs[i]) {
      const name = (code: number | undefined): string => (code === undefined ? 'none' : validationCodeName(code));
      differences.push(`transaction ${i} is ${name(ours[i])} here, ${name(theirs[i])} on ${crossCheck.name}`);
    }
  }
  if (differences.length > 0) throw new ChainBreakError(number, `its validation codes differ between peers: ${differences.join('; ')}`);
}

/**
 * Stores blocks, their transactions and the records they changed, as a few multi-row statements:
 * one statement per row cost more than everything else in a catch-up (PGlite runs each one in
 * turn). The current value of a record written several times in the blocks is the last write.
 */
async function storeBlocks(tx: Queryable, blocks: readonly DecodedBlock[]): Promise<number> {
  const transactions = blocks.flatMap((block) => block.transactions.map((t) => ({ block: block.number, t })));
  const history: unknown[][] = [];
  const current = new Map<string, unknown[] | { delete: [string, string] }>();
  for (const { block, t } of transactions) {
    // Only valid transactions changed the world state; invalid ones are kept, as such.
    if (t.validationCode !== 'VALID') continue;
    for (const write of t.writes) {
      // Index entries (object types like "donation~ngo") are the chaincode's, not records.
      if (!isRecordType(write.objectType)) continue;
      const id = write.attributes.join('/');
      const value = write.value === null ? null : recordValue(write.value);
      if (write.value !== null && value === undefined) continue;
      const json = value === null ? null : JSON.stringify(value);
      history.push([write.objectType, id, block, t.index, t.txId, t.timestamp, value === null, json]);
      const key = `${write.objectType}\u0000${id}`;
      current.delete(key); // keep the map in write order, so the last write wins below
      current.set(key, json === null ? { delete: [write.objectType, id] } : [write.objectType, id, json, block, t.index, t.txId, t.timestamp]);
    }
  }
  await insertRows(tx, 'blocks (number, header_hash, previous_hash, data_hash, tx_count)',
    blocks.map((b) => [b.number, b.headerHash, b.previousHash, b.dataHash, b.transactions.length]));
  await insertRows(tx, 'transactions (block, tx_index, tx_id, type, validation_code, creator_msp, timestamp, chaincode, function, config_changes)',
    transactions.map(({ block, t }) => [block, t.index, t.txId, t.type, t.validationCode, t.creatorMspId, t.timestamp, t.chaincode, t.function,
      t.configChanges === null ? null : JSON.stringify(t.configChanges)]));
  await insertRows(tx, 'record_history (record_type, record_id, block, tx_index, tx_id, timestamp, is_delete, value)', history);
  const finals = [...current.values()];
  for (const row of finals) {
    if ('delete' in row) await tx.query('delete from records where record_type = $1 and record_id = $2', row.delete);
  }
  await insertRows(tx, 'records (record_type, record_id, value, block, tx_index, tx_id, updated_at)', finals.filter((row): row is unknown[] => Array.isArray(row)),
    `on conflict (record_type, record_id) do update set value = excluded.value, block = excluded.block, tx_index = excluded.tx_index,
       tx_id = excluded.tx_id, updated_at = excluded.updated_at`);
  return blocks.length + transactions.length + history.length + finals.length;
}

/** Rows in the maintained tables, as the last analysis estimated them (0 before any). */
async function tableRows(db: Queryable): Promise<number> {
  const [row] = await db.query<{ rows: number }>(
    `select coalesce(sum(greatest(reltuples, 0)), 0)::float8 as rows from pg_class where oid = any($1::regclass[])`, [MAINTAINED_TABLES]);
  return Number(row?.rows ?? 0);
}

/** Rows per statement: well under PostgreSQL's 65,535 parameters for the widest table (9 columns). */
const ROWS_PER_STATEMENT = 1000;

/** `insert into <target> values (...), (...)` in statements of at most ROWS_PER_STATEMENT rows. */
async function insertRows(tx: Queryable, target: string, rows: readonly (readonly unknown[])[], suffix = ''): Promise<void> {
  for (let from = 0; from < rows.length; from += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(from, from + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
    await tx.query(`insert into ${target} values ${tuples.join(', ')} ${suffix}`, params);
  }
}

function recordValue(bytes: Buffer): object | undefined {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const record = { ...(parsed as Record<string, unknown>) };
    delete record.docType;
    return record;
  } catch {
    return undefined;
  }
}

async function readCheckpoint(options: IndexerOptions): Promise<Checkpoint> {
  const { store, source, chaincode } = options;
  const meta = new Map((await store.query<{ key: string; value: string }>('select key, value from indexer_meta')).map((r) => [r.key, r.value]));
  const [blocks] = await store.query<{ n: number; max: number | null }>('select count(*)::int as n, max(number) as max from blocks');
  const blockCount = Number(blocks?.n ?? 0);
  if (meta.size === 0 && blockCount === 0) {
    await store.transaction(async (tx) => {
      await setMeta(tx, META.schema, SCHEMA_VERSION);
      await setMeta(tx, META.channel, source.channel);
      await setMeta(tx, META.chaincode, chaincode);
    });
    return { height: 0, blockHash: '' };
  }
  if (meta.get(META.schema) !== SCHEMA_VERSION) throw new CheckpointError(`the read model has schema version ${meta.get(META.schema) ?? 'none'}, this indexer writes version ${SCHEMA_VERSION}`);
  if (meta.get(META.channel) !== source.channel) throw new CheckpointError(`the read model indexes channel "${meta.get(META.channel) ?? ''}", not "${source.channel}"`);
  if (meta.get(META.chaincode) !== chaincode) throw new CheckpointError(`the read model indexes chaincode "${meta.get(META.chaincode) ?? ''}", not "${chaincode}"`);
  const lastBlock = meta.get(META.lastBlock);
  const lastHash = meta.get(META.lastHash);
  if (lastBlock === undefined || lastHash === undefined) {
    if (blockCount === 0) return { height: 0, blockHash: '' };
    throw new CheckpointError(`the checkpoint is missing but ${blockCount} blocks are indexed`);
  }
  const last = Number(lastBlock);
  if (!Number.isSafeInteger(last) || last < 0) throw new CheckpointError(`the checkpoint is corrupt (last block "${lastBlock}")`);
  const [stored] = await store.query<{ header_hash: string }>('select header_hash from blocks where number = $1', [last]);
  if (blockCount !== last + 1 || Number(blocks?.max) !== last || stored?.header_hash !== lastHash) {
    throw new CheckpointError(`the checkpoint (block ${last}, hash ${short(lastHash)}) does not match the indexed blocks (${blockCount} blocks, last ${blocks?.max ?? 'none'})`);
  }
  return { height: last + 1, blockHash: lastHash };
}

/** The index must describe this ledger: its last block must be the ledger's block of that number. */
async function checkAgainstLedger(source: BlockSource, checkpoint: Checkpoint): Promise<void> {
  if (checkpoint.height === 0) return;
  const ledgerHeight = await source.height();
  if (ledgerHeight < checkpoint.height) {
    throw new CheckpointError(`the read model is at height ${checkpoint.height} but the ledger has only ${ledgerHeight} blocks: it was built from another network`);
  }
  const block = decodeBlock(await source.block(checkpoint.height - 1), '');
  if (block.headerHash !== checkpoint.blockHash) {
    throw new CheckpointError(`block ${checkpoint.height - 1} of the ledger has hash ${short(block.headerHash)}, the read model has ${short(checkpoint.blockHash)}: it was built from another network`);
  }
}

/**
 * Who must sign the block after the checkpoint: the configuration of the last config block
 * indexed, read again from the ledger and accepted only when its hash is the one indexed.
 */
async function trustAtCheckpoint(options: IndexerOptions, checkpoint: Checkpoint): Promise<OrdererTrust | undefined> {
  if (checkpoint.height === 0) return undefined;
  const [row] = await options.store.query<{ block: number | null }>("select max(block) as block from transactions where type = 'CONFIG'");
  const configBlock = Number(row?.block ?? 0);
  const [stored] = await options.store.query<{ header_hash: string }>('select header_hash from blocks where number = $1', [configBlock]);
  const message = common.Block.deserializeBinary(await options.source.block(configBlock));
  const decoded = decodeBlockMessage(message, '');
  if (decoded.headerHash !== stored?.header_hash) {
    throw new CheckpointError(`config block ${configBlock} of the ledger has hash ${short(decoded.headerHash)}, the read model has ${short(stored?.header_hash ?? '')}`);
  }
  try {
    return ordererTrustOf(message);
  } catch (err) {
    throw new CheckpointError(`the configuration in config block ${configBlock} cannot be read: ${(err as Error).message}`);
  }
}

async function setMeta(tx: Queryable, key: string, value: string): Promise<void> {
  await tx.query('insert into indexer_meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [key, value]);
}

const short = (hash: string): string => (hash ? `${hash.slice(0, 12)}…` : '(none)');
