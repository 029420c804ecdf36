// BFT ordering end to end: the same product on 4 SmartBFT orderers (network/topology-bft.json)
// instead of 3 Raft ones. The suite brings up its own network with the CLI (its own folder and
// ports, beside the main test network), and stops it afterwards whatever happened.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, LedgerClient, LedgerError, Proposal, verifyChain } from '@donation-ledger/client';
import { ChainBreakError, Indexer, openStore } from '@donation-ledger/indexer';
import { clientProfile, endpoint, loadEffectiveTopology, ordererNodes, REPO_ROOT, RunPaths, Topology } from '@donation-ledger/network';
import { common } from '@hyperledger/fabric-protos';
import { dropSignatures, signatureCount } from '../../packages/client/src/test-support/blocks';
import { seedEmptyDatabase } from '../../packages/indexer/src/test-support/scratch-store';
import { cli, memoryBlockSource, openLoop, outcome, recoveryAfter, settle, startOwnNetwork, uniqueId, until } from './harness';

const RUN_DIR = process.env.LEDGER_BFT_RUN_DIR ?? join(REPO_ROOT, 'test-artifacts', 'network-bft');
const OFFSET = Number(process.env.LEDGER_BFT_PORT_OFFSET ?? 3000);
const TOPOLOGY = join(REPO_ROOT, 'network', 'topology-bft.json');
const ARGS = ['--topology', TOPOLOGY, '--run-dir', RUN_DIR, '--port-offset', String(OFFSET)];
/** The auditor org with its peer and its ordering node, which becomes the channel's 5th BFT consenter. */
const AUDITOR_SPEC = join(REPO_ROOT, 'network', 'orgs', 'auditor.json');
const FAULT_TESTS = process.env.LEDGER_FAULT_TESTS !== '0';

const paths = new RunPaths(RUN_DIR);
const topology = (): Topology => loadEffectiveTopology(TOPOLOGY, paths, OFFSET);
const as = (org: string, user: string): Promise<LedgerClient> => connect(clientProfile(topology(), paths, org, user));
const network = (...args: string[]): ReturnType<typeof cli> => cli([...args, ...ARGS]);
const proposalOf = (result: ReturnType<typeof cli>): Proposal => JSON.parse(result.stdout) as Proposal;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const report = (line: string): void => void process.stderr.write(`[bft] ${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** A gauge of the channel from an orderer's operations endpoint; undefined when the orderer does not answer. */
async function gauge(operationsPort: number, metric: string): Promise<number | undefined> {
  const res = await fetch(`http://${endpoint(topology(), operationsPort)}/metrics`).catch(() => undefined);
  const body = (await res?.text().catch(() => undefined)) ?? '';
  const line = body.split('\n').find((l) => l.startsWith(`${metric}{channel="${topology().channel}"} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

/** The SmartBFT leader the live orderers agree on: founding gave consenter ID i to the topology's i-th orderer (a later one is named by its ID). */
async function currentLeader(): Promise<string | undefined> {
  const nodes = ordererNodes(topology());
  const ids = (await Promise.all(nodes.map((n) => gauge(n.operationsPort, 'consensus_smartbft_view_leader_id')))).filter((id) => id !== undefined);
  const [first] = ids;
  return first !== undefined && ids.length >= 3 && ids.every((id) => id === first) ? nodes[first - 1]?.id ?? `consenter ${first}` : undefined;
}

const ledgerHeight = (node: string): Promise<number | undefined> => {
  const n = ordererNodes(topology()).find((o) => o.id === node);
  if (!n) throw new Error(`no orderer ${node}`);
  return gauge(n.operationsPort, 'ledger_blockchain_height');
};

const pidOf = (id: string): number => Number(readFileSync(paths.pid(id), 'utf8').split('\n')[0]);
const restartsOf = (id: string): number => {
  try {
    return (JSON.parse(readFileSync(paths.restarts, 'utf8')) as Record<string, number>)[id] ?? 0;
  } catch {
    return 0;
  }
};

beforeAll(() => startOwnNetwork(ARGS, 'bft'), 300_000);

afterAll(() => {
  cli(['down', ...ARGS], { inherit: true });
});

describe('the ledger on BFT ordering (SmartBFT, 4 orderers)', () => {
  let ngoAdmin: LedgerClient;
  let donor: LedgerClient;
  const ngoId = uniqueId('ngo');

  beforeAll(async () => {
    ngoAdmin = await as('ngo', 'ngoadmin1');
    donor = await as('donorplatform', 'donor1');
    await ngoAdmin.registerNgo({ id: ngoId, name: 'Byzantine Relief' });
  }, 120_000);

  afterAll(() => {
    ngoAdmin?.close();
    donor?.close();
  });

  test('the donation path works on BFT: an NGO registered by ngoadmin1, a pledge by donor1 settled by payments1, read back through the NGO org', async () => {
    const t = topology();
    expect(t.ordering.consensus).toBe('BFT');
    // Run by the member orgs, two each: no org outside the consortium orders.
    expect(ordererNodes(t).map((n) => `${n.id} (${n.org.mspId})`)).toEqual([
      'orderer0.donorplatform (DonorPlatformMSP)', 'orderer1.donorplatform (DonorPlatformMSP)', 'orderer0.ngo (NgoMSP)', 'orderer1.ngo (NgoMSP)',
    ]);
    const id = uniqueId('don');

    const written = await donor.donate({ id, ngoId, amount: '2500', currency: 'EUR' });

    expect(written.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(written.blockNumber).toBeGreaterThan(0n);
    const read = await ngoAdmin.readDonation(id);
    expect(read).toEqual(written.result);
    expect(read).toMatchObject({ id, ngoId, amount: '2500', status: 'pledged', remaining: '0', currency: 'EUR', txId: written.transactionId });
    expect(read.donor.mspId).toBe('DonorPlatformMSP');
    expect((await ngoAdmin.readNgo(ngoId)).name).toBe('Byzantine Relief');

    const payments = await as('donorplatform', 'payments1');
    try {
      const batch = await settle(payments, [id]);
      expect(batch.blockNumber).toBeGreaterThan(written.blockNumber);
      // The submit returned when the donor platform's peer committed it; the NGO org's may be a block behind.
      await until('the NGO org peer to commit the settlement', async () => (await ngoAdmin.readDonation(id)).status === 'settled');
      expect(await ngoAdmin.readDonation(id)).toMatchObject({ status: 'settled', remaining: '2500', settlementBatchId: batch.result.id, txId: written.transactionId });
      expect((await ngoAdmin.readBalance(ngoId)).balances).toEqual([{ campaignId: '', currency: 'EUR', unspent: '2500' }]);
    } finally {
      payments.close();
    }
  }, 120_000);

  test('a BFT block left with fewer consenter signatures than the quorum fails verification and halts the indexer, named', async () => {
    const source = donor.blockSource();
    const height = await source.height();
    const blocks = await Promise.all(Array.from({ length: height }, (_, n) => source.block(n)));
    const genesisHash = clientProfile(topology(), paths, 'donorplatform', 'donor1').genesisBlockHash;
    expect(await verifyChain(memoryBlockSource(blocks), genesisHash ? { genesisHash } : {})).toMatchObject({ ok: true, blocksChecked: height });

    const victim = height - 1;
    const block = common.Block.deserializeBinary(blocks[victim]!);
    const signed = signatureCount(block);
    report(`block ${victim} carries ${signed} consenter signatures (quorum 3 of 4)`);
    expect(signed).toBeGreaterThanOrEqual(3);
    dropSignatures(block, (i) => i < 2);
    blocks[victim] = block.serializeBinary();
    const expected = new RegExp(`^block ${victim}: its orderer signatures do not satisfy the BlockValidation policy OutOf\\(3, .*2 valid signature\\(s\\) \\(consenter`);

    const result = await verifyChain(memoryBlockSource(blocks));
    expect(result).toMatchObject({ ok: false, blockNumber: victim });
    if (!result.ok) expect(result.reason).toMatch(expected);

    const dir = await seedEmptyDatabase(mkdtempSync(join(tmpdir(), 'bft-read-model-')));
    const store = await openStore({ kind: 'embedded', dir });
    try {
      const indexer = await Indexer.open({ source: memoryBlockSource(blocks), store, chaincode: 'donations' });
      const failure = await indexer.catchUp().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ChainBreakError);
      expect((failure as Error).message).toMatch(expected);
      expect(indexer.height).toBe(victim);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  (FAULT_TESTS ? describe : describe.skip)('faults under load', () => {
    /** Every donation whose submit resolved, with its amount and when it was started and resolved. */
    const acknowledged = new Map<string, { amount: number; startedAt: number; doneAt: number }>();
    const failures: { id: string; code: string; startedAt: number; doneAt: number }[] = [];

    /** Open-loop load: a donation every `everyMs`, whatever happened to the earlier ones. */
    function load(client: LedgerClient, everyMs: number): { stop: () => Promise<void> } {
      return openLoop(everyMs, () => {
        const id = uniqueId('don');
        const amount = 1 + Math.floor(Math.random() * 100);
        const startedAt = Date.now();
        return client.donate({ id, ngoId, amount, currency: 'EUR' }).then(
          () => void acknowledged.set(id, { amount, startedAt, doneAt: Date.now() }),
          (err: unknown) => void failures.push({ id, code: err instanceof LedgerError ? err.code : `untyped: ${String(err)}`, startedAt, doneAt: Date.now() }),
        );
      });
    }

    async function expectEveryAcknowledgedDonationOnTheLedger(): Promise<void> {
      expect(acknowledged.size).toBeGreaterThan(0);
      for (const [id, { amount }] of acknowledged) expect([id, (await ngoAdmin.readDonation(id)).amount]).toEqual([id, String(amount)]);
    }

    afterAll(() => {
      const byCode = failures.reduce<Record<string, number>>((m, f) => ((m[f.code] = (m[f.code] ?? 0) + 1), m), {});
      report(`${acknowledged.size} donations acknowledged under load; failed by code: ${JSON.stringify(byCode)}`);
      expect(network('up').status).toBe(0); // whatever a test left stopped
    }, 180_000);

    test('killing the BFT leader under load loses no acknowledged donation, submits keep succeeding, and the restarted orderer catches up', async () => {
      const leader = await currentLeader();
      if (!leader) throw new Error('the orderers do not agree on a BFT leader');
      const restartsBefore = restartsOf(leader);
      const running = load(donor, 100);
      await sleep(3000);
      expect(acknowledged.size).toBeGreaterThan(0);

      const killedAt = Date.now();
      process.kill(pidOf(leader), 'SIGKILL');
      // Long enough for the followers to complain about a silent or stuck leader (10 s) and change view.
      await sleep(20_000);
      const ackedBefore = acknowledged.size;
      await sleep(4000);
      expect(acknowledged.size).toBeGreaterThan(ackedBefore); // the load goes on
      await running.stop();

      const recovery = recoveryAfter(killedAt, [
        ...[...acknowledged.values()].map((a) => ({ ...a, ok: true })), ...failures.map((f) => ({ ...f, ok: false })),
      ]);
      report(`killed leader ${leader} under load: ${recovery.summary}; leader now ${(await currentLeader()) ?? '?'}`);
      expect(failures.map((f) => f.code).filter((c) => c.startsWith('untyped'))).toEqual([]);
      // The fault is over well before the load stops: every submit started in the last 4 s succeeded.
      expect(failures.filter((f) => f.startedAt > killedAt + 20_000)).toEqual([]);
      await expectEveryAcknowledgedDonationOnTheLedger();

      // The supervisor restarted the killed orderer, and it has every block the others have.
      expect(restartsOf(leader)).toBeGreaterThan(restartsBefore);
      let heights: (number | undefined)[] = [];
      await until(`${leader} to catch up with the other orderers`, async () => {
        heights = await Promise.all(ordererNodes(topology()).map((n) => ledgerHeight(n.id)));
        const mine = await ledgerHeight(leader);
        return mine !== undefined && heights.every((h) => h !== undefined && h <= mine);
      }, 90_000);
      report(`${leader} was restarted by the supervisor and has every block (heights ${heights.join(', ')}) ${seconds(Date.now() - killedAt)} after the kill`);
    }, 300_000);

    test('with 2 of 4 orderers stopped, a donation fails quickly with UNAVAILABLE and is never half-written; after up, writes succeed', async () => {
      const [, second, third] = ordererNodes(topology());
      if (!second || !third) throw new Error('needs 4 orderers');
      expect(network('stop', second.id).status).toBe(0);
      expect(network('stop', third.id).status).toBe(0);

      const id = uniqueId('don');
      const started = Date.now();
      const error = await donor.donate({ id, ngoId, amount: '42', currency: 'EUR' }).catch((err: unknown) => err);
      const tookMs = Date.now() - started;
      report(`2 of 4 orderers stopped: the submit failed after ${tookMs} ms with ${error instanceof LedgerError ? `${error.name} ${error.code}: ${error.message}` : String(error)}`);
      expect(error).toBeInstanceOf(LedgerError);
      // UNAVAILABLE is the submit's own refusal (the gateway counts the orderers that took the
      // transaction), not a commit-status wait running out (DEADLINE_EXCEEDED / STATUS_UNKNOWN).
      expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/quorum.*may still be ordered: retry the same request/) as unknown });
      // Reads do not need the orderers.
      expect((await ngoAdmin.readNgo(ngoId)).id).toBe(ngoId);

      /** Absent, or the whole donation as it was sent: never a part of it. */
      const absentOrWhole = async (): Promise<'absent' | 'whole'> => {
        try {
          const read = await ngoAdmin.readDonation(id);
          expect(read).toMatchObject({ id, ngoId, amount: '42', status: 'pledged', remaining: '0', currency: 'EUR' });
          expect(read.donor.mspId).toBe('DonorPlatformMSP');
          return 'whole';
        } catch (err) {
          expect(err).toMatchObject({ code: 'NOT_FOUND' });
          return 'absent';
        }
      };
      expect(await absentOrWhole()).toBe('absent'); // nothing can be ordered without a quorum

      const upStarted = Date.now();
      expect(network('up').status).toBe(0);
      const submitStarted = Date.now();
      // The orderers order again when up returns, but a peer's gateway may still be backing off
      // its connections to the two that were down (gRPC reconnects with a growing delay): a
      // submit in that window is refused with UNAVAILABLE, and the client retries the same
      // request (same ID, which cannot be written twice), as the error tells it to.
      const afterId = uniqueId('don');
      let attempts = 0;
      let after: Awaited<ReturnType<LedgerClient['donate']>> | undefined;
      await until('a donation to go through after up (the same request retried on UNAVAILABLE)', async () => {
        attempts++;
        after = await donor.donate({ id: afterId, ngoId, amount: '7', currency: 'EUR' }).catch((err: unknown) => {
          if (err instanceof LedgerError && err.code === 'UNAVAILABLE') return undefined;
          throw err;
        });
        return after !== undefined;
      }, 60_000);
      expect(after?.blockNumber).toBeGreaterThan(0n);
      report(`up brought the 2 orderers back in ${seconds(submitStarted - upStarted)}; the next submit succeeded in ${seconds(Date.now() - submitStarted)} (${attempts} attempt(s))`);
      // The refused submit reached the two live orderers, which keep requests in their pools (up to
      // 3 min) and may order them once a quorum is back: then it is whole, never partial.
      await sleep(5000);
      report(`the donation whose submit failed is ${await absentOrWhole()} after the orderers came back`);
    }, 300_000);
  });

  test('governance add-org works on BFT with the first orderer down: the members vote the auditor org in with its ordering node, ' +
    'which becomes the 5th consenter; the channel orders on, every orderer has every block, and the blocks after the change verify', async () => {
    const [first, second] = ordererNodes(topology());
    if (!first || !second) throw new Error('needs 4 orderers');
    // With 2 of 4 orderers down, a 5th consenter would make a cluster whose quorum (4) cannot
    // run: refused before any config update.
    expect(network('stop', first.id).status).toBe(0);
    expect(network('stop', second.id).status).toBe(0);
    const refused = network('org', 'add', AUDITOR_SPEC);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('a cluster of 4 BFT consenters needs 3 running to order, and it would have 2');
    expect(topology().orgs.map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP']);
    expect(network('up').status).toBe(0);

    // The operator commands (config fetch and update, chaincode approval) move on to the next
    // orderer: a BFT service that tolerates one faulty orderer must not need orderer0 to govern.
    expect(network('stop', first.id).status).toBe(0);
    let changedAt = 0;
    try {
      changedAt = (await donor.blockSource().height()) - 1;
      await inviteTheAuditor();
    } finally {
      expect(network('up').status).toBe(0);
    }
    const auditorOrderer = ordererNodes(topology()).find((n) => n.org.mspId === 'AuditorMSP');
    expect(auditorOrderer?.id).toBe('orderer0.auditor');
    // The founders keep IDs 1-4; the auditor's node gets one the channel never used (past 4 plus the config updates so far).
    const consenters = bftConsenters();
    expect(consenters.slice(0, 4)).toEqual(['1 DonorPlatformMSP', '2 DonorPlatformMSP', '3 NgoMSP', '4 NgoMSP']);
    expect(consenters.slice(4).map((c) => c.replace(/^\d+ /, ''))).toEqual([`AuditorMSP ${auditorOrderer?.org.host}:${auditorOrderer?.port}`]);
    expect(Number(consenters[4]?.split(' ')[0])).toBeGreaterThan(4);

    // A write still goes through, on a cluster of 5 (quorum 4) with orderer0 back.
    const written = await donor.donate({ id: uniqueId('don'), ngoId, amount: '5', currency: 'EUR' });
    expect(written.blockNumber).toBeGreaterThan(BigInt(changedAt));
    let heights: (number | undefined)[] = [];
    await until('every orderer, the auditor\'s too, to have the same height as the donor platform\'s peer', async () => {
      const height = await donor.blockSource().height();
      heights = await Promise.all(ordererNodes(topology()).map((n) => ledgerHeight(n.id)));
      return heights.length === 5 && heights.every((h) => h === height);
    }, 60_000);
    report(`after the auditor's orderer joined: orderer heights ${heights.join(', ')}`);

    // The blocks since the change are signed by a quorum of the 5 consenters, as the SDK checks.
    const source = donor.blockSource();
    const height = await source.height();
    const blocks = await Promise.all(Array.from({ length: height }, (_, n) => source.block(n)));
    const genesisHash = clientProfile(topology(), paths, 'donorplatform', 'donor1').genesisBlockHash;
    expect(await verifyChain(memoryBlockSource(blocks), genesisHash ? { genesisHash } : {})).toMatchObject({ ok: true, blocksChecked: height });
    const last = common.Block.deserializeBinary(blocks[height - 1]!);
    expect(signatureCount(last)).toBeGreaterThanOrEqual(4);
  }, 420_000);

  /** The channel's BFT consenters as its config names them: ID and MSP ID (and, for the auditor's, endpoint). */
  function bftConsenters(): string[] {
    const file = join(RUN_DIR, 'config-after-invite.json');
    const fetched = network('config-update', 'fetch', '--org', 'ngo', '--out', file);
    if (fetched.status !== 0) throw new Error(fetched.stderr);
    const config = JSON.parse(readFileSync(file, 'utf8')) as {
      channel_group: { groups: { Orderer: { values: { Orderers: { value: { consenter_mapping: { id: number; msp_id: string; host: string; port: number }[] } } } } } };
    };
    return config.channel_group.groups.Orderer.values.Orderers.value.consenter_mapping.map((c) =>
      `${c.id} ${c.msp_id}${c.msp_id === 'AuditorMSP' ? ` ${c.host}:${c.port}` : ''}`);
  }

  async function inviteTheAuditor(): Promise<void> {
    const prepared = network('org', 'prepare', AUDITOR_SPEC);
    if (prepared.status !== 0) throw new Error(prepared.stderr);
    const proposalFile = join(RUN_DIR, 'auditor-invite.json');
    writeFileSync(proposalFile, prepared.stdout);
    const id = uniqueId('invite-auditor');
    expect(proposalOf(network('governance', 'propose-invite', proposalFile, '--org', 'donorplatform', '--id', id))).toMatchObject({ status: 'IN_PROGRESS' });
    expect(proposalOf(network('governance', 'vote', id, 'YES', '--org', 'donorplatform')).status).toBe('IN_PROGRESS');
    expect(proposalOf(network('governance', 'vote', id, 'YES', '--org', 'ngo')).status).toBe('APPROVED');

    const started = Date.now();
    const executed = network('governance', 'execute', id, '--org-spec', AUDITOR_SPEC);
    if (executed.status !== 0) throw new Error(executed.stderr);
    report(`the auditor org was added with ${ordererNodes(topology())[0]?.id ?? '?'} stopped (BFT leader now: ${(await currentLeader()) ?? '?'}) in ${seconds(Date.now() - started)}`);
    expect(proposalOf(executed)).toMatchObject({ status: 'EXECUTED' });
    expect(topology().orgs.map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP', 'AuditorMSP']);

    const auditor = await as('auditor', 'auditor1');
    try {
      expect((await auditor.readNgo(ngoId)).name).toBe('Byzantine Relief');
      expect((await auditor.readGovernance()).members.map((m) => m.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP', 'AuditorMSP']);
    } finally {
      auditor.close();
    }
    // Under MAJORITY of 3 orgs, the NGO org and the auditor endorse without the donor platform.
    const endorsedWithAuditor = uniqueId('ngo');
    expect(await outcome(ngoAdmin.registerNgo({ id: endorsedWithAuditor, name: 'Audited Aid' }, { endorsingOrganizations: ['NgoMSP', 'AuditorMSP'] }))).toBe('OK');
    // The submit returned when the NGO org's peer committed it; the donor platform's may be a block behind.
    await until('the donor platform peer to commit the NGO', async () => (await outcome(donor.readNgo(endorsedWithAuditor))) === 'OK');
    expect((await donor.readNgo(endorsedWithAuditor)).name).toBe('Audited Aid');
  }
});
