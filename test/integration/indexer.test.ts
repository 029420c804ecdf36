// The read model against the real network: a few hundred random operations, indexed live into
// both stores (embedded PGlite and a real PostgreSQL server), must equal what the chaincode
// says; a rebuild equals incremental indexing; a killed indexer resumes with no gap and no
// duplicate; a tampered block (altered, unlinked, signed by a non-orderer, or with validation
// codes another org's peer disagrees with) stops indexing and is named; a broken checkpoint is refused.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BlockSource, DEFAULT_DEADLINES, LedgerClient } from '@donation-ledger/client';
import { ChainBreakError, CheckpointError, dumpTables, Indexer, openStore, ReadModelService, SqlStore, startReadModel, StoreConfig } from '@donation-ledger/indexer';
import { REPO_ROOT } from '@donation-ledger/network';
import { common } from '@hyperledger/fabric-protos';
import { setValidationCode, signBlock } from '../../packages/client/src/test-support/blocks';
import { seedEmptyDatabase } from '../../packages/indexer/src/test-support/scratch-store';
import { connectAs, connectPayments, credentialOf, ensureNgo, openWindow, settle, siteProfile, TEST_RUN_DIR, uniqueId } from './harness';
import { Postgres, startPostgres } from './postgres';

// Beside the main test network (test-artifacts/ unless LEDGER_TEST_RUN_DIR moves it).
const ARTIFACTS = join(dirname(TEST_RUN_DIR), 'read-model');
const INDEXER_CLI = join(REPO_ROOT, 'packages', 'indexer', 'dist', 'cli.js');
const CURRENCIES = ['EUR', 'USD'] as const;

let postgres: Postgres;
let admin: LedgerClient;
let donors: LedgerClient[];
let payments: LedgerClient;
let staff: Map<string, LedgerClient>;
let embedded: ReadModelService;
let server: ReadModelService;
const stores: SqlStore[] = [];

/** A new embedded store: an empty database (the cached initdb copy) in its own folder. */
const embeddedStore = async (name: string): Promise<StoreConfig> => ({ kind: 'embedded', dir: await seedEmptyDatabase(join(ARTIFACTS, name)) });

async function openIndexer(source: BlockSource, config: StoreConfig, rebuild = false): Promise<Indexer> {
  const store = await trackedStore(config);
  const options = { source, store, chaincode: 'donations' };
  return rebuild ? Indexer.rebuild(options) : Indexer.open(options);
}

async function caughtUp(service: ReadModelService): Promise<void> {
  await service.indexer.waitForBlock((await admin.getDigest()).height - 1, 60_000);
}

/** A deterministic generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  postgres = startPostgres();
  admin = await connectAs('ngo', 'ngoadmin1');
  donors = [await connectAs('donorplatform', 'donor1'), await connectAs('donorplatform', 'donor2')];
  payments = await connectPayments();
  staff = new Map([['ngo-1', await connectAs('ngo', 'staff1')], ['ngo-2', await connectAs('ngo', 'staff2')]]);
  await ensureNgo(admin, 'ngo-1');
  await ensureNgo(admin, 'ngo-2');
  // Both stores follow the channel while the operations below run, as in production.
  embedded = await startReadModel({ source: admin.blockSource(), store: await embeddedStore('live'), chaincode: 'donations' });
  server = await startReadModel({ source: admin.blockSource(), store: { kind: 'postgresql', url: postgres.createDatabase('live') }, chaincode: 'donations' });
  await runRandomOperations(300, 7);
  await Promise.all([caughtUp(embedded), caughtUp(server)]);
}, 600_000);

afterAll(async () => {
  await embedded?.close();
  await server?.close();
  for (const store of stores) await store.close().catch(() => undefined);
  for (const client of [admin, payments, ...(donors ?? []), ...(staff?.values() ?? [])]) client?.close();
  postgres?.stop();
});

const created = {
  ngos: new Set<string>(), campaigns: new Set<string>(), donations: new Set<string>(), spends: new Set<string>(), settlements: new Set<string>(),
  /** Donations with at least one refund. */
  refunded: new Set<string>(),
};

/**
 * Registers NGOs, opens campaigns, pledges, settles pledges in batches, cancels pledges, refunds
 * settled money and spends, a few at a time (spends in parallel conflict: invalid transactions
 * too). Settlements, cancellations and refunds act on donations committed in earlier rounds, each
 * donation once per round, so that a batch is not refused for a pledge still in flight.
 */
async function runRandomOperations(count: number, seed: number): Promise<void> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const ngos = ['ngo-1', 'ngo-2'];
  const campaigns: { id: string; ngoId: string; currency: string }[] = [];
  /** Committed pledges not yet acted on, and settled donations not yet refunded. */
  const pledged: string[] = [];
  const settled: string[] = [];
  for (let done = 0; done < count; ) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < 10 && done < count; i++, done++) {
      let roll = next();
      const ngoId = pick(ngos);
      // Nothing to settle or cancel (no committed pledge left), or to refund: a pledge instead.
      if ((roll >= 0.55 && roll < 0.7 && pledged.length === 0) || (roll >= 0.7 && roll < 0.73 && settled.length === 0)) roll = 0.5;
      if (roll < 0.05) {
        const id = uniqueId('rm-ngo');
        created.ngos.add(id);
        batch.push(admin.registerNgo({ id, name: `Read model NGO ${id}` }));
      } else if (roll < 0.15) {
        const campaign = { id: uniqueId('rm-camp'), ngoId, currency: pick(CURRENCIES) };
        campaigns.push(campaign);
        created.campaigns.add(campaign.id);
        batch.push(admin.createCampaign({ ...campaign, name: `Campaign ${campaign.id}`, goal: '100000', ...openWindow() }));
      } else if (roll < 0.55) {
        const campaign = campaigns.length > 0 && next() < 0.4 ? pick(campaigns) : undefined;
        const id = uniqueId('rm-don');
        created.donations.add(id);
        batch.push(pick(donors).donate({
          id, ngoId: campaign?.ngoId ?? ngoId, amount: String(100 + Math.floor(next() * 5000)), currency: campaign?.currency ?? pick(CURRENCIES),
          ...(campaign ? { campaignId: campaign.id } : {}),
        }).then(() => void pledged.push(id)));
      } else if (roll < 0.67) {
        const ids = pledged.splice(0, 1 + Math.floor(next() * 8));
        batch.push(settle(payments, ids).then((b) => {
          created.settlements.add(b.result.id);
          settled.push(...ids);
        }));
      } else if (roll < 0.7) {
        const id = pledged.shift()!;
        batch.push(pick([payments, ...donors]).cancelPledge(id)); // by a donor who did not pledge it: refused
      } else if (roll < 0.73) {
        const id = settled.shift()!;
        // Part of what is left, when spends left enough (else refused).
        batch.push(payments.refundDonation({ donationId: id, amount: String(1 + Math.floor(next() * 200)), paymentRef: uniqueId('rm-refund') })
          .then(() => created.refunded.add(id)));
      } else {
        const id = uniqueId('rm-spend');
        batch.push(staff.get(ngoId)!.recordSpend({
          id, ngoId, amount: String(50 + Math.floor(next() * 800)), currency: pick(CURRENCIES), description: `Spend ${id}`, category: pick(['food', 'rent', 'travel']),
        }).then(() => created.spends.add(id)));
      }
    }
    // Refusals (no money left to spend or refund, a pledge cancelled by another donor) are part of the mix; they never reach a block.
    await Promise.allSettled(batch);
  }
}

describe('the read model equals the ledger', () => {
  test('every donation, settlement, refund, spend, campaign and NGO reads the same from the index as from the chaincode', async () => {
    const statuses = new Map<string, number>();
    for (const id of created.donations) {
      const fromLedger = await admin.readDonation(id).catch(() => undefined);
      if (!fromLedger) continue; // refused at endorsement: not on the ledger, so not in the index
      expect((await embedded.readModel.get('donation', id)).value).toEqual(fromLedger);
      statuses.set(fromLedger.status, (statuses.get(fromLedger.status) ?? 0) + 1);
    }
    for (const id of created.spends) expect((await embedded.readModel.get('spend', id)).value).toEqual(await admin.readSpend(id));
    for (const id of created.campaigns) expect((await embedded.readModel.get('campaign', id)).value).toEqual(await admin.readCampaign(id));
    for (const id of created.ngos) expect((await embedded.readModel.get('ngo', id)).value).toEqual(await admin.readNgo(id));
    for (const id of created.settlements) expect((await embedded.readModel.get('settlement', id)).value).toEqual(await admin.readSettlement(id));
    for (const id of created.refunded) {
      for (const refund of (await admin.listRefundsByDonation(id)).records) {
        expect((await embedded.readModel.get('refund', `${id}/${refund.txId}`)).value).toEqual(refund);
      }
    }
    process.stderr.write(`[read-model] donations by status ${JSON.stringify(Object.fromEntries(statuses))}; ${created.settlements.size} settlement batches, ` +
      `${created.refunded.size} donations refunded, ${created.spends.size} spends\n`);
    expect([...statuses.keys()]).toEqual(expect.arrayContaining(['pledged', 'settled', 'cancelled']));
    expect(created.spends.size).toBeGreaterThan(10);
    expect(created.settlements.size).toBeGreaterThan(5);
    expect(created.refunded.size).toBeGreaterThan(0);
  });

  test("an NGO's donations listed from the index equal the chaincode's listing, page by page", async () => {
    const fromLedger: unknown[] = [];
    let bookmark = '';
    do {
      const page = await admin.listDonationsByNgo('ngo-1', { pageSize: 100, bookmark });
      fromLedger.push(...page.records);
      bookmark = page.bookmark;
    } while (bookmark);
    const fromIndex: unknown[] = [];
    let after: string | undefined;
    do {
      const page = await embedded.readModel.list('donation', { ngoId: 'ngo-1' }, { limit: 37, ...(after ? { after } : {}) });
      fromIndex.push(...page.items);
      after = page.next ?? undefined;
    } while (after);
    const byId = (a: unknown, b: unknown): number => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1);
    expect(fromIndex.sort(byId)).toEqual(fromLedger.sort(byId));
  });

  test('the money left per NGO and currency in the analytics equals the chaincode balance', async () => {
    const totals = await embedded.readModel.ngoTotals('ngo-2');
    const unspent = new Map<string, bigint>();
    for (const pool of (await admin.readBalance('ngo-2')).balances) unspent.set(pool.currency, (unspent.get(pool.currency) ?? 0n) + BigInt(pool.unspent));
    expect(totals.rows.length).toBeGreaterThan(0);
    for (const row of totals.rows) expect(BigInt(row.remaining as string)).toBe(unspent.get(row.currency as string) ?? 0n);
  });

  test('invalid transactions are recorded with their validation code and change no record', async () => {
    // Concurrent status changes of one NGO read the same version: all but one per block fail
    // validation (MVCC_READ_CONFLICT; the SDK retries them, but the invalid ones stay on the chain).
    const ngoId = uniqueId('rm-conflict');
    await admin.registerNgo({ id: ngoId, name: 'Conflicting NGO' });
    for (let round = 0; round < 3; round++) {
      await Promise.allSettled(['suspended', 'active', 'suspended', 'active'].map((status) => admin.setNgoStatus(ngoId, status as 'active' | 'suspended')));
    }
    await caughtUp(embedded);
    const rows = await embedded.store.query<{ validation_code: string; n: number }>(
      "select validation_code, count(*)::int as n from transactions where chaincode = 'donations' group by validation_code");
    expect(rows.find((r) => r.validation_code === 'VALID')?.n).toBeGreaterThan(100);
    const invalid = await embedded.store.query<{ tx_id: string; validation_code: string }>(
      "select tx_id, validation_code from transactions where validation_code <> 'VALID' and type = 'ENDORSER_TRANSACTION'");
    expect(invalid.map((t) => t.validation_code)).toContain('MVCC_READ_CONFLICT');
    for (const { tx_id } of invalid) {
      expect(await embedded.store.query('select 1 from record_history where tx_id = $1', [tx_id])).toHaveLength(0);
    }
  });

  test('the embedded store and PostgreSQL hold exactly the same rows', async () => {
    await Promise.all([caughtUp(embedded), caughtUp(server)]);
    await embedded.indexer.stop();
    await server.indexer.stop();
    const height = Math.min(embedded.indexer.height, server.indexer.height);
    expect(embedded.indexer.height).toBe(height);
    expect(await dumpTables(server.store)).toEqual(await dumpTables(embedded.store));
  });
});

describe('rebuild and restart', () => {
  test('a rebuild from genesis produces exactly the tables incremental indexing built, in both stores', async () => {
    const incremental = await dumpTables(embedded.store);
    const rebuiltEmbedded = await openIndexer(admin.blockSource(), await embeddedStore('rebuilt'), true);
    const rebuiltServer = await openIndexer(admin.blockSource(), { kind: 'postgresql', url: postgres.createDatabase('rebuilt') }, true);
    for (const indexer of [rebuiltEmbedded, rebuiltServer]) {
      while (indexer.height < embedded.indexer.height) await indexer.indexBlock(await admin.blockSource().block(indexer.height));
    }
    expect(await dumpTables(stores[stores.length - 2]!)).toEqual(incremental);
    expect(await dumpTables(stores[stores.length - 1]!)).toEqual(incremental);
  });

  test('the standalone indexer killed mid-stream resumes with no gap and no duplicate', async () => {
    const dir = await seedEmptyDatabase(join(ARTIFACTS, 'killed'));
    const first = await runCliUntil(['catch-up', '--dir', dir, '--progress-every', '1'], /indexed block (\d+) /, (block) => block >= 15);
    expect(first.killedAt).toBeGreaterThanOrEqual(15);
    const second = await runCliUntil(['catch-up', '--dir', dir, '--progress-every', '1']);
    expect(second.output).toMatch(/resuming at block (\d+)/);
    const resumedAt = Number(/resuming at block (\d+)/.exec(second.output)![1]);
    expect(resumedAt).toBeGreaterThan(first.killedAt!); // nothing indexed twice: it resumes after what it stored
    const store = await openStore({ kind: 'embedded', dir });
    stores.push(store);
    const dump = await dumpTables(store);
    const height = (dump.blocks as unknown[]).length;
    const reference = await dumpTables(embedded.store);
    expect(dump).toEqual(trimTo(reference, height));
  });

  test('catching up through one block stream stores exactly what catching up block by block stores', async () => {
    const streamed = await openIndexer(admin.blockSource(), await embeddedStore('streamed'));
    const height = await streamed.catchUp();
    const streamedStore = stores[stores.length - 1]!;
    const live = admin.blockSource();
    const oneByOne = await openIndexer({ channel: live.channel, height: () => live.height(), block: (n) => live.block(n) }, await embeddedStore('one-by-one')); // no push delivery
    await oneByOne.catchUp();
    const oneByOneStore = stores[stores.length - 1]!;
    expect(height).toBeGreaterThan(20);
    const [a, b] = [await dumpTables(streamedStore), await dumpTables(oneByOneStore)];
    expect(a.blocks).toHaveLength(height);
    expect(trimTo(a, height)).toEqual(trimTo(b, height));
  });

  test('a missing or corrupt checkpoint is refused, naming rebuild as the way out', async () => {
    const config = { kind: 'postgresql' as const, url: postgres.createDatabase('broken') };
    const indexer = await openIndexer(admin.blockSource(), config);
    await indexer.catchUp();
    const store = stores[stores.length - 1]!;
    await store.query("update indexer_meta set value = '3' where key = 'last_block'");
    await expect(openIndexer(admin.blockSource(), config)).rejects.toThrow(CheckpointError);
    await store.query("delete from indexer_meta where key = 'last_block'");
    await expect(openIndexer(admin.blockSource(), config)).rejects.toThrow(/checkpoint is missing.*rebuild/);
  });
});

describe('tampering', () => {
  test('a block whose transactions were altered stops indexing at that block, named', async () => {
    const tampered = tamperedSource(admin.blockSource(), 6, (block) => {
      const data = block.getData()!;
      const envelopes = data.getDataList_asU8().map((e) => Uint8Array.from(e));
      envelopes[0]![envelopes[0]!.length - 1]! ^= 0xff;
      data.setDataList(envelopes);
    });
    const indexer = await openIndexer(tampered, await embeddedStore('tampered'));
    const failure = await indexer.catchUp().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ChainBreakError);
    expect((failure as ChainBreakError).blockNumber).toBe(6);
    expect((failure as Error).message).toMatch(/block 6: its transactions do not match the data hash/);
    expect(indexer.height).toBe(6); // blocks 0-5 indexed, nothing of block 6
  });

  test('a block that does not link to the one before halts the following indexer, named', async () => {
    const forged = tamperedSource(admin.blockSource(), 4, (block) => block.getHeader()!.setPreviousHash(Buffer.alloc(32, 7)));
    const indexer = await openIndexer(forged, { kind: 'postgresql', url: postgres.createDatabase('forged') });
    indexer.start();
    await expect(indexer.waitForBlock(10, 30_000)).rejects.toThrow(/stopped/);
    expect(indexer.status()).toMatchObject({ state: 'halted', height: 4, error: expect.stringMatching(/^block 4: its previous-block hash/) as unknown });
    await indexer.stop();
  });
});

describe('following an idle ledger', () => {
  test('the block stream stays open past the evaluate deadline: no reconnect, and the next block is indexed as it is pushed', async () => {
    const warnings: string[] = [];
    const service = await startReadModel({
      source: admin.blockSource(), store: await embeddedStore('idle'), chaincode: 'donations', log: (level, message) => void (level !== 'info' && warnings.push(message)),
    });
    try {
      await caughtUp(service);
      await new Promise((r) => setTimeout(r, DEFAULT_DEADLINES.evaluateMs + 3000)); // idle, longer than an evaluate may take
      const written = await donors[0]!.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 3, currency: 'EUR' });
      await service.indexer.waitForBlock(Number(written.blockNumber), 10_000);
      expect(warnings).toEqual([]);
    } finally {
      await service.close();
    }
  }, 60_000);
});

describe('orderer signatures and validation codes', () => {
  test('a block re-signed by a key that is not an orderer node\'s halts the indexer at that block, named', async () => {
    const victim = (await admin.getDigest()).height - 2;
    const orgAdmin = credentialOf('donorplatform', 'orgadmin', 'DonorPlatformMSP');
    const forged = tamperedSource(admin.blockSource(), victim, (block) => signBlock(block, [orgAdmin]));
    const indexer = await openIndexer(forged, await embeddedStore('forged-signature'));
    const failure = await indexer.catchUp().catch((err: unknown) => err);
    // Any other error fails with its stack, so a failure says where it came from.
    expect(failure instanceof ChainBreakError ? 'ChainBreakError' : String((failure as Error | undefined)?.stack ?? failure)).toBe('ChainBreakError');
    expect((failure as ChainBreakError).blockNumber).toBe(victim);
    expect((failure as Error).message).toMatch(new RegExp(`^block ${victim}: its orderer signatures do not satisfy the BlockValidation policy`));
    expect(indexer.height).toBe(victim);
  });

  test('with cross-checking on, a flipped validation code halts the indexer, naming the block and the transaction', async () => {
    const donor = donors[0]!;
    const written = await donor.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 5, currency: 'EUR' });
    const victim = Number(written.blockNumber);
    const flipped = tamperedSource(admin.blockSource(), victim, (block) => setValidationCode(block, 0, 11));
    const indexer = await Indexer.open({
      source: flipped, store: await trackedStore(await embeddedStore('flipped')), chaincode: 'donations',
      crossCheck: { source: donor.blockSource(), name: 'peer0.donorplatform' },
    });
    indexer.start();
    await expect(indexer.waitForBlock(victim, 60_000)).rejects.toThrow(/stopped/);
    expect(indexer.status()).toMatchObject({
      state: 'halted', height: victim,
      error: `block ${victim}: its validation codes differ between peers: transaction 0 is MVCC_READ_CONFLICT here, VALID on peer0.donorplatform`,
    });
    await indexer.stop();
  });

  test('with cross-checking on, an honest ledger indexes to its tip', async () => {
    const indexer = await Indexer.open({
      source: admin.blockSource(), store: await trackedStore(await embeddedStore('cross-checked')), chaincode: 'donations',
      crossCheck: { source: donors[0]!.blockSource(), name: 'peer0.donorplatform' },
    });
    const height = (await admin.getDigest()).height;
    expect(await indexer.catchUp()).toBeGreaterThanOrEqual(height);
  });
});

async function trackedStore(config: StoreConfig): Promise<SqlStore> {
  const store = await openStore(config);
  stores.push(store);
  return store;
}

function tamperedSource(source: BlockSource, number: number, tamper: (block: common.Block) => void): BlockSource {
  return {
    channel: source.channel,
    height: () => source.height(),
    block: async (n) => {
      const bytes = await source.block(n);
      if (n !== number) return bytes;
      const block = common.Block.deserializeBinary(bytes);
      tamper(block);
      return block.serializeBinary();
    },
  };
}

/** Runs the indexer CLI; with `until`, kills it (SIGKILL) as soon as a progress line satisfies it. */
function runCliUntil(args: string[], progress?: RegExp, until?: (n: number) => boolean): Promise<{ output: string; killedAt?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INDEXER_CLI, ...args, '--profile', siteProfile('ngo')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let killedAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!progress || !until || killedAt !== undefined) return;
      for (const match of output.matchAll(new RegExp(progress, 'g'))) {
        if (until(Number(match[1]))) {
          killedAt = Number(match[1]);
          child.kill('SIGKILL');
          return;
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (killedAt !== undefined && signal === 'SIGKILL') resolve({ output, killedAt });
      else if (code === 0 && !until) resolve({ output });
      else reject(new Error(`indexer exited ${code ?? signal ?? ''} unexpectedly:\n${output}`));
    });
  });
}

/** The reference dump cut to the first `height` blocks (what a catch-up to that height holds). */
function trimTo(dump: Record<string, unknown[]>, height: number): Record<string, unknown[]> {
  const before = (row: unknown): boolean => Number((row as { block?: number; number?: number }).block ?? (row as { number: number }).number) < height;
  const lastBlock = (dump.blocks as { number: number; header_hash: string }[])[height - 1]!;
  const records = new Map<string, unknown>();
  for (const row of (dump.record_history as Record<string, unknown>[]).filter(before)) {
    const key = `${String(row.record_type)}/${String(row.record_id)}`;
    if (row.is_delete) records.delete(key);
    else records.set(key, { record_type: row.record_type, record_id: row.record_id, value: row.value, block: row.block, tx_index: row.tx_index, tx_id: row.tx_id, updated_at: row.timestamp });
  }
  return {
    ...dump,
    indexer_meta: (dump.indexer_meta as { key: string; value: string }[]).map((m) =>
      m.key === 'last_block' ? { ...m, value: String(lastBlock.number) } : m.key === 'last_hash' ? { ...m, value: lastBlock.header_hash } : m),
    blocks: dump.blocks!.filter(before),
    transactions: dump.transactions!.filter(before),
    record_history: dump.record_history!.filter(before),
    records: [...records.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row),
  };
}
