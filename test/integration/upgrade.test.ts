// Upgrading the chaincode with the same deploy command: changed code becomes a new package per
// org, approved and committed at sequence + 1; the ledger's records stay; unchanged code is a no-op.
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOPOLOGY, REPO_ROOT } from '@donation-ledger/network';
import { cli, connectAs, outcome, paths, uniqueId, until, NETWORK_ARGS } from './harness';

const UPGRADE_DIR = join(REPO_ROOT, 'test-artifacts', 'chaincode-upgrade');

/** A copy of the built chaincode that differs by one comment, so its version hash differs. */
function changedChaincodeTopology(): string {
  rmSync(UPGRADE_DIR, { recursive: true, force: true });
  mkdirSync(UPGRADE_DIR, { recursive: true });
  cpSync(join(REPO_ROOT, 'packages', 'chaincode', 'package.json'), join(UPGRADE_DIR, 'package.json'));
  cpSync(join(REPO_ROOT, 'packages', 'chaincode', 'dist'), join(UPGRADE_DIR, 'dist'), { recursive: true });
  appendFileSync(join(UPGRADE_DIR, 'dist', 'index.js'), `\n// upgrade ${uniqueId('v')}\n`);
  const topology = JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as { chaincode: { path: string } };
  topology.chaincode.path = 'test-artifacts/chaincode-upgrade';
  const file = join(REPO_ROOT, 'test-artifacts', 'topology-upgrade.json');
  writeFileSync(file, JSON.stringify(topology, null, 2));
  return file;
}

const sequenceOf = (stderr: string): number => Number(/\(sequence (\d+)\)/.exec(stderr)?.[1] ?? NaN);

describe('chaincode upgrade', () => {
  // Leave the network on the repository's chaincode (one more upgrade), whatever happened here.
  afterAll(() => {
    const restored = cli(['deploy', ...NETWORK_ARGS]);
    if (restored.status !== 0) throw new Error(`could not redeploy the repository's chaincode:\n${restored.stderr}`);
  });

  test('changed code is deployed at sequence + 1 with new packages, keeping every record; unchanged code is a no-op', async () => {
    const ngoId = uniqueId('ngo');
    const before = uniqueId('don');
    const admin = await connectAs('ngo', 'ngoadmin1');
    const donor = await connectAs('donorplatform', 'donor1');
    try {
      await admin.registerNgo({ id: ngoId, name: 'Upgrade Aid' });
      // The submit returned when the NGO org's peer committed it; the donor platform's may be a block behind.
      await until('the donor platform peer to commit the NGO', async () => (await outcome(donor.readNgo(ngoId))) === 'OK');
      await donor.donate({ id: before, ngoId, amount: '100', currency: 'EUR' });
    } finally {
      admin.close();
      donor.close();
    }
    const current = cli(['deploy', ...NETWORK_ARGS]);
    expect(current.status).toBe(0);
    expect(current.stderr).toContain('is already committed');
    const oldSequence = sequenceOf(current.stderr);

    const serverPid = (): number => Number(readFileSync(paths().pid('ccaas.ngo'), 'utf8').split('\n')[0]);
    const pidBefore = serverPid();
    const topologyFile = changedChaincodeTopology();
    const upgraded = cli(['deploy', '--topology', topologyFile, ...NETWORK_ARGS]);
    expect(upgraded.stderr).toContain('committed chaincode donations');
    expect(upgraded.status).toBe(0);
    expect(sequenceOf(upgraded.stderr.split('\n').filter((l) => l.includes('committed chaincode')).join('\n'))).toBe(oldSequence + 1);
    // The NGO's chaincode server was restarted with its new package: another process, running.
    const pidAfter = serverPid();
    expect(pidAfter).not.toBe(pidBefore);
    expect(process.kill(pidAfter, 0)).toBe(true);

    const again = cli(['deploy', '--topology', topologyFile, ...NETWORK_ARGS]);
    expect(again.stderr).toContain('is already committed');

    const reader = await connectAs('donorplatform', 'donor1');
    try {
      expect((await reader.readDonation(before)).amount).toBe('100');
      const after = await reader.donate({ id: uniqueId('don'), ngoId, amount: '5', currency: 'EUR' });
      expect(after.result.amount).toBe('5');
    } finally {
      reader.close();
    }
  });
});
