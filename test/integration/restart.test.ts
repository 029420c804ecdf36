// Stopping the whole network and starting it again (without clean) keeps every committed record,
// and the read model resumes from its checkpoint with no gap and no duplicate; `up` on a running
// network changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpTables, Indexer, openStore } from '@donation-ledger/indexer';
import { NodeStatus } from '@donation-ledger/network';
import { seedEmptyDatabase } from '../../packages/indexer/src/test-support/scratch-store';
import { connectAs, cli, NETWORK_ARGS, uniqueId } from './harness';

const statusOf = (): NodeStatus[] => JSON.parse(cli(['status', '--json', ...NETWORK_ARGS]).stdout) as NodeStatus[];

describe('status and up on a running network', () => {
  test('status lists every node healthy, with its endpoint and PID', () => {
    const nodes = statusOf();
    // The bench's chaincode servers are listed too once a bench run (bench.test) has started them.
    expect(nodes.map((n) => n.id).filter((id) => !id.startsWith('ccaas-bench.'))).toEqual([
      'ca.donorplatform', 'ca.ngo', 'orderer0.donorplatform', 'orderer1.donorplatform', 'orderer0.ngo',
      'peer0.donorplatform', 'peer0.ngo', 'ccaas.donorplatform', 'ccaas.ngo',
    ]);
    for (const node of nodes) expect(node).toMatchObject({ healthy: true, pid: expect.any(Number), endpoint: expect.stringMatching(/^127\.\d+\.\d+\.\d+:\d+$/) }); // on its site's address: sites.test
  });

  test('up again restarts nothing', () => {
    const before = statusOf().map((n) => n.pid);
    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
    expect(statusOf().map((n) => n.pid)).toEqual(before);
  });
});

describe('down then up', () => {
  const readModelDir = mkdtempSync(join(tmpdir(), 'restart-read-model-'));
  beforeAll(() => seedEmptyDatabase(readModelDir));
  afterAll(() => rmSync(readModelDir, { recursive: true, force: true }));

  /** Indexes what the ledger has into the read model kept across the restart; returns [height before, after]. */
  async function indexAll(): Promise<[number, number]> {
    const client = await connectAs('ngo', 'ngoadmin1');
    const store = await openStore({ kind: 'embedded', dir: readModelDir });
    try {
      const indexer = await Indexer.open({ source: client.blockSource(), store, chaincode: 'donations' });
      const before = indexer.height;
      return [before, await indexer.catchUp()];
    } finally {
      await store.close();
      client.close();
    }
  }

  test('keeps every committed record, and the read model resumes where it stopped', async () => {
    const ngoId = uniqueId('ngo');
    const donationId = uniqueId('don');
    const admin = await connectAs('ngo', 'ngoadmin1');
    const donor = await connectAs('donorplatform', 'donor2');
    const written = await (async () => {
      try {
        await admin.registerNgo({ id: ngoId, name: 'Restart Relief' });
        return (await donor.donate({ id: donationId, ngoId, amount: '4200', currency: 'GBP' })).result;
      } finally {
        admin.close();
        donor.close();
      }
    })();
    const [, indexedBefore] = await indexAll();

    expect(cli(['down', ...NETWORK_ARGS], { inherit: true }).status).toBe(0);
    expect(statusOf().filter((n) => n.pid !== undefined)).toEqual([]);
    expect(cli(['up', ...NETWORK_ARGS], { inherit: true }).status).toBe(0);

    const reader = await connectAs('ngo', 'staff1');
    try {
      expect(await reader.readDonation(donationId)).toEqual(written);
      expect((await reader.readNgo(ngoId)).name).toBe('Restart Relief');
    } finally {
      reader.close();
    }

    // The read model opens at its checkpoint (nothing indexed twice) and catches up (no gap).
    const [resumedAt, indexedAfter] = await indexAll();
    expect(resumedAt).toBe(indexedBefore);
    expect(indexedAfter).toBeGreaterThanOrEqual(indexedBefore);
    const resumed = await openStore({ kind: 'embedded', dir: readModelDir });
    const rebuiltDir = await seedEmptyDatabase(mkdtempSync(join(tmpdir(), 'restart-rebuilt-')));
    const rebuilt = await openStore({ kind: 'embedded', dir: rebuiltDir });
    const client = await connectAs('ngo', 'ngoadmin1');
    try {
      const fresh = await Indexer.rebuild({ source: client.blockSource(), store: rebuilt, chaincode: 'donations' });
      while (fresh.height < indexedAfter) await fresh.indexBlock(await client.blockSource().block(fresh.height));
      expect(await dumpTables(resumed)).toEqual(await dumpTables(rebuilt));
    } finally {
      client.close();
      await resumed.close();
      await rebuilt.close();
      rmSync(rebuiltDir, { recursive: true, force: true });
    }
  });
});
