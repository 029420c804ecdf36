// Stopping the whole network and starting it again (without clean) keeps every committed record.
import { connectAs, cli, NETWORK_ARGS, uniqueId } from './harness';

describe('down then up', () => {
  test('keeps every committed record', async () => {
    const ngoId = uniqueId('ngo');
    const donationId = uniqueId('don');
    const admin = connectAs('ngo', 'ngoadmin1');
    const donor = connectAs('donorplatform', 'donor2');
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
    const stopped = cli(['status', ...NETWORK_ARGS]);
    expect(stopped.stdout).not.toMatch(/healthy\n/);
    expect(cli(['up', ...NETWORK_ARGS], { inherit: true }).status).toBe(0);

    const reader = connectAs('ngo', 'staff1');
    try {
      expect(await reader.readDonation(donationId)).toEqual(written);
      expect((await reader.readNgo(ngoId)).name).toBe('Restart Relief');
    } finally {
      reader.close();
    }
  });
});
