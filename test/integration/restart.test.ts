// Stopping the whole network and starting it again (without clean) keeps every committed record;
// `up` on a running network changes nothing.
import { NodeStatus } from '@donation-ledger/network';
import { connectAs, cli, NETWORK_ARGS, uniqueId } from './harness';

const statusOf = (): NodeStatus[] => JSON.parse(cli(['status', '--json', ...NETWORK_ARGS]).stdout) as NodeStatus[];

describe('status and up on a running network', () => {
  test('status lists every node healthy, with its endpoint and PID', () => {
    const nodes = statusOf();
    expect(nodes.map((n) => n.id)).toEqual([
      'ca.orderer', 'ca.donorplatform', 'ca.ngo', 'orderer0', 'orderer1', 'orderer2',
      'peer0.donorplatform', 'peer0.ngo', 'ccaas.donorplatform', 'ccaas.ngo',
    ]);
    for (const node of nodes) expect(node).toMatchObject({ healthy: true, pid: expect.any(Number), endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });

  test('up again restarts nothing', () => {
    const before = statusOf().map((n) => n.pid);
    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
    expect(statusOf().map((n) => n.pid)).toEqual(before);
  });
});

describe('down then up', () => {
  test('keeps every committed record', async () => {
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
  });
});
