// A new org's peer joins the channel from a ledger snapshot a member's peer takes, instead of
// replaying every block from genesis (issue 18). Adding an org changes the channel for good, so
// this suite runs on the suite's network after every other suite that uses it (see sequencer.js):
// there the snapshot holds the state every other suite left, not that of a network started for it.
import { join } from 'node:path';
import { connect, LedgerClient } from '@donation-ledger/client';
import { clientProfile, DEFAULT_TOPOLOGY, loadEffectiveTopology, Topology } from '@donation-ledger/network';
import { cli, give, NETWORK_ARGS, paths, PORT_OFFSET, uniqueId } from './harness';

const OBSERVER_SPEC = join(__dirname, 'fixtures', 'observer-org.json');
/** The suite's network as it is now: with the observer org once it was added. */
const topology = (): Topology => loadEffectiveTopology(DEFAULT_TOPOLOGY, paths(), PORT_OFFSET);
const as = (org: string, user: string): Promise<LedgerClient> => connect(clientProfile(topology(), paths(), org, user));

describe('joining a peer from a ledger snapshot', () => {
  const donationIds: string[] = [];

  test('an unknown join mode is refused before anything changes', () => {
    const result = cli(['org', 'add', OBSERVER_SPEC, '--join', 'sideways', ...NETWORK_ARGS]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--join must be auto, genesis or snapshot (got "sideways")');
    expect(topology().orgs.map((o) => o.mspId)).not.toContain('ObserverMSP');
  });

  test("the new org's peer holds the same chain head and the same state as the members, without the blocks before the snapshot", async () => {
    const donor = await as('donorplatform', 'donor1');
    const payments = await as('donorplatform', 'payments1');
    const ngo = await as('ngo', 'ngoadmin1');
    try {
      await ngo.registerNgo({ id: 'ngo-1', name: 'Snapshot Wells' }).catch(() => undefined);
      for (let i = 0; i < 5; i++) donationIds.push((await give(donor, payments, { id: uniqueId('don'), ngoId: 'ngo-1', amount: String(100 + i), currency: 'EUR' })).id);

      const added = cli(['org', 'add', OBSERVER_SPEC, '--join', 'snapshot', ...NETWORK_ARGS]);
      expect(added.status).toBe(0);
      expect(added.stderr).toMatch(/from a snapshot of \S+'s peer/);
      const snapshotBlock = Number(/joined channel \S+ from the snapshot at block (\d+)/.exec(added.stderr)?.[1]);
      expect(snapshotBlock).toBeGreaterThan(0);
      process.stderr.write(`[snapshot] ${added.stderr.split('\n').filter((l) => /snapshot|caught up|joined channel/.test(l)).join('\n')}\n`);

      const observer = await as('observer', 'observer1');
      try {
        const [head, memberHead] = [await observer.getDigest(), await ngo.getDigest()];
        expect(head.height).toBeGreaterThanOrEqual(memberHead.height);
        if (head.height === memberHead.height) expect(head.blockHash).toBe(memberHead.blockHash);
        // State equal: every donation written before the snapshot reads the same through the new peer.
        for (const id of donationIds) expect(await observer.readDonation(id)).toEqual(await ngo.readDonation(id));
        // What Fabric leaves out of a snapshot: the blocks before it.
        expect(await observer.verify().catch((err: Error) => ({ ok: false, reason: err.message }))).toMatchObject({ ok: false });
        // A donation after the join reaches the new peer through ordinary block delivery.
        const later = await give(donor, payments, { id: uniqueId('don'), ngoId: 'ngo-1', amount: '999', currency: 'EUR' });
        expect(await observer.readDonation(later.id)).toEqual(later);
      } finally {
        observer.close();
      }
    } finally {
      donor.close();
      payments.close();
      ngo.close();
    }
  });
});
