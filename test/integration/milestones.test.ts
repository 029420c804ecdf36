// Outcome-based campaigns on the real network: money is held until the validator org confirms a
// milestone, and Fabric itself enforces it through the milestone key's endorsement policy
// (state-based endorsement). In this two-org network the donor platform's `validator1` is the
// validator: an org independent of the NGOs.
import { LedgerClient } from '@donation-ledger/client';
import { connectAs, ensureNgo, give, outcome, uniqueId } from './harness';

describe('outcome-based campaigns', () => {
  let admin: LedgerClient;
  let donor: LedgerClient;
  let staff: LedgerClient;
  let payments: LedgerClient;
  let validator: LedgerClient;
  const ngoId = 'ngo-1'; // staff1 works for it
  const evidenceHash = 'c'.repeat(64);

  beforeAll(async () => {
    admin = await connectAs('ngo', 'ngoadmin1');
    donor = await connectAs('donorplatform', 'donor1');
    staff = await connectAs('ngo', 'staff1');
    payments = await connectAs('donorplatform', 'payments1');
    validator = await connectAs('donorplatform', 'validator1');
    await ensureNgo(admin, ngoId);
  });

  afterAll(() => {
    for (const client of [admin, donor, staff, payments, validator]) client.close();
  });

  async function outcomeCampaign(closesInMs: number): Promise<string> {
    const id = uniqueId('camp');
    await staff.createCampaign({
      id, ngoId, name: 'Clean water', goal: '1000', currency: 'EUR',
      opensAt: new Date(Date.now() - 3_600_000).toISOString(), closesAt: new Date(Date.now() + closesInMs).toISOString(),
      validatorMspId: 'DonorPlatformMSP', milestones: [{ amount: '600', description: 'Well dug' }, { amount: '400', description: 'Water tested' }],
    });
    return id;
  }
  const spend = (campaignId: string, amount: string): Promise<unknown> =>
    staff.recordSpend({ id: uniqueId('sp'), ngoId, campaignId, amount, currency: 'EUR', description: 'Drilling', category: 'water' });

  test("a confirmation endorsed without the validator org is an ENDORSEMENT_POLICY_FAILURE and changes nothing; the validator org's endorsement alone releases the money", async () => {
    const campaignId = await outcomeCampaign(86_400_000);
    await give(donor, payments, { id: uniqueId('don'), ngoId, campaignId, amount: '1000', currency: 'EUR' });
    expect(await outcome(spend(campaignId, '1'))).toBe('INSUFFICIENT_FUNDS'); // held

    // The NGO org's peers run the contract, which accepts the validator's certificate, but the
    // milestone key's own policy needs an endorsement by a peer of DonorPlatformMSP.
    const ngoOnly = validator.confirmMilestone({ campaignId, index: 1, evidenceHash }, { endorsingOrganizations: ['NgoMSP'] });
    expect(await outcome(ngoOnly)).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect((await donor.listMilestones(campaignId)).map((m) => m.status)).toEqual(['pending', 'pending']);

    // The chaincode's policy needs both orgs, yet the key-level policy, which alone governs the
    // one key this transaction writes, is satisfied by the validator org's peer.
    const { result } = await validator.confirmMilestone({ campaignId, index: 1, evidenceHash }, { endorsingOrganizations: ['DonorPlatformMSP'] });
    expect(result).toMatchObject({ index: 1, status: 'confirmed', evidenceHash, confirmedBy: 'DonorPlatformMSP' });
    expect(await outcome(spend(campaignId, '600'))).toBe('OK');
    expect(await outcome(spend(campaignId, '1'))).toBe('INSUFFICIENT_FUNDS'); // the second milestone still holds 400
  });

  test('NGO staff cannot confirm their own milestone, even through their own peers', async () => {
    const campaignId = await outcomeCampaign(86_400_000);
    expect(await outcome(staff.confirmMilestone({ campaignId, index: 1, evidenceHash }))).toBe('FORBIDDEN');
    expect((await donor.listMilestones(campaignId))[0]?.status).toBe('pending');
  });

  test('after the campaign closes with a milestone unmet, the payment service gives the held money back to the donors', async () => {
    const campaignId = await outcomeCampaign(20_000);
    const first = await give(donor, payments, { id: uniqueId('don'), ngoId, campaignId, amount: '700', currency: 'EUR' });
    const second = await give(donor, payments, { id: uniqueId('don'), ngoId, campaignId, amount: '300', currency: 'EUR' });
    await validator.confirmMilestone({ campaignId, index: 1, evidenceHash });
    expect(await outcome(payments.refundHeldMoney(campaignId, 'psp-early'))).toBe('CONFLICT'); // still open
    const closesAt = Date.parse((await donor.readCampaign(campaignId)).closesAt);
    await new Promise((r) => setTimeout(r, Math.max(0, closesAt - Date.now() + 1000)));

    const { result } = await payments.refundHeldMoney(campaignId, 'psp-unmet');
    expect(result).toMatchObject({ campaignId, held: '400', currency: 'EUR' });
    expect(result.refunds.map((r) => [r.donationId, r.amount])).toEqual([[first.id, '280'], [second.id, '120']]);
    expect(await donor.readDonation(first.id)).toMatchObject({ remaining: '420', refunded: '280' });
    expect(await outcome(payments.refundHeldMoney(campaignId, 'psp-again'))).toBe('CONFLICT');
    expect(await outcome(spend(campaignId, '600'))).toBe('OK'); // what the met milestone released stays with the NGO
  });
});
