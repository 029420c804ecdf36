// Outcome-based campaigns against the in-memory ledger: held money, milestones released by the
// validator org only, and the refund of what unmet milestones held. (That Fabric refuses a
// milestone change the validator's peers did not endorse is shown on a real network:
// test/integration/money.test.ts.)
import fc from 'fast-check';
import { common, msp } from '@hyperledger/fabric-protos';
import { DONOR_PLATFORM_MSP, NGO_MSP, Role } from '@donation-ledger/model';
import { codeOf, FakeIdentity, FakeLedger } from './test-support/fake-context';
import { DonationContract } from './contract';
import { memberPolicyOf, proRata } from './milestones';
import { Campaign, Donation, Milestone } from './records';

const contract = new DonationContract();
const ngoAdmin: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoAdmin, name: 'ngoadmin1' };
const staff: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoStaff, ngoId: 'ngo-a', name: 'staff-a' };
const donor1: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Donor, name: 'donor1' };
const donor2: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Donor, name: 'donor2' };
const payments: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Payments, name: 'payments1' };
const auditor: FakeIdentity = { mspId: 'AuditorMSP', role: Role.Validator, name: 'validator1' };
const auditorAdmin: FakeIdentity = { mspId: 'AuditorMSP', admin: true };
const auditorClerk: FakeIdentity = { mspId: 'AuditorMSP', role: 'clerk', name: 'clerk' };
const EVIDENCE = 'e'.repeat(64);

let ledger: FakeLedger;
const createCampaign = (overrides: Record<string, unknown> = {}): Promise<Campaign> =>
  ledger.submit(staff, async (ctx) => JSON.parse(await contract.CreateCampaign(ctx, JSON.stringify({
    id: 'wells', ngoId: 'ngo-a', name: 'Wells', goal: '1000', currency: 'EUR',
    opensAt: new Date(ledger.now - 3_600_000).toISOString(), closesAt: new Date(ledger.now + 86_400_000).toISOString(),
    validatorMspId: 'AuditorMSP', milestones: [{ amount: '600', description: 'Well dug' }, { amount: '400', description: 'Water tested' }],
    ...overrides,
  }))) as Campaign);
const give = async (by: FakeIdentity, id: string, amount: string): Promise<void> => {
  await ledger.submit(by, (ctx) => contract.Donate(ctx, JSON.stringify({ id, ngoId: 'ngo-a', campaignId: 'wells', amount, currency: 'EUR' })));
  await ledger.submit(payments, (ctx) => contract.SettleDonations(ctx, JSON.stringify({ batchId: `b-${id}`, settlements: [{ donationId: id, paymentRef: 'psp' }] })));
};
const spend = (amount: string, id = `s-${amount}`): Promise<unknown> =>
  ledger.submit(staff, (ctx) => contract.RecordSpend(ctx, JSON.stringify({ id, ngoId: 'ngo-a', campaignId: 'wells', amount, currency: 'EUR', description: 'Works', category: 'water' })));
const confirm = (index: number, by: FakeIdentity = auditor): Promise<unknown> =>
  ledger.submit(by, (ctx) => contract.ConfirmMilestone(ctx, JSON.stringify({ campaignId: 'wells', index, evidenceHash: EVIDENCE })));
const milestones = async (): Promise<Milestone[]> => JSON.parse(await ledger.evaluate(donor1, (ctx) => contract.ListMilestones(ctx, 'wells'))) as Milestone[];
const donation = async (id: string): Promise<Donation> => JSON.parse(await ledger.evaluate(donor1, (ctx) => contract.ReadDonation(ctx, id))) as Donation;
const refundHeld = (): Promise<{ held: string; refunds: { donationId: string; amount: string }[] }> =>
  ledger.submit(payments, async (ctx) => JSON.parse(await contract.RefundHeldMoney(ctx, JSON.stringify({ campaignId: 'wells', paymentRef: 'psp-back' }))) as { held: string; refunds: { donationId: string; amount: string }[] });

beforeEach(async () => {
  ledger = new FakeLedger();
  await ledger.submit(ngoAdmin, (ctx) => contract.RegisterNgo(ctx, JSON.stringify({ id: 'ngo-a', name: 'NGO A' })));
});

test("each milestone key carries an endorsement policy naming the validator org, and donors see each milestone's state", async () => {
  const campaign = await createCampaign();
  expect(campaign).toMatchObject({ validatorMspId: 'AuditorMSP', milestoneCount: 2, heldRefundedAt: '' });
  expect((await milestones()).map((m) => [m.index, m.amount, m.status])).toEqual([[1, '600', 'pending'], [2, '400', 'pending']]);
  expect(ledger.keyPolicies.size).toBe(2);
  for (const policy of ledger.keyPolicies.values()) expect(policyOrgs(policy)).toEqual(['AuditorMSP']);
});

test('money given to an outcome-based campaign is held: a spend needs confirmed milestones, and takes at most what they released', async () => {
  await createCampaign();
  await give(donor1, 'd1', '700');
  await give(donor2, 'd2', '300');
  expect(await codeOf(spend('1'))).toBe('INSUFFICIENT_FUNDS');
  await confirm(1);
  expect((await milestones())[0]).toMatchObject({ status: 'confirmed', evidenceHash: EVIDENCE, confirmedBy: 'AuditorMSP' });
  await spend('500');
  expect(await codeOf(spend('101'))).toBe('INSUFFICIENT_FUNDS');
  await spend('100');
  await confirm(2);
  await spend('400');
  expect((await donation('d1')).remaining).toBe('0');
  expect((await donation('d2')).remaining).toBe('0');
});

test('only a validator or an admin of the validator org confirms, once; the NGO cannot confirm its own milestone', async () => {
  await createCampaign();
  for (const who of [staff, ngoAdmin, donor1, payments, auditorClerk]) expect(await codeOf(confirm(1, who))).toBe('FORBIDDEN');
  await confirm(1, auditorAdmin);
  expect(await codeOf(confirm(1))).toBe('CONFLICT');
  expect(await codeOf(confirm(3))).toBe('NOT_FOUND');
});

test.each([
  ['the NGO org as its own validator', { validatorMspId: 'NgoMSP' }],
  ['milestones that do not add up to the goal', { milestones: [{ amount: '600', description: 'Half' }] }],
  ['a validator without milestones', { milestones: [] }],
  ['milestones without a validator', { validatorMspId: undefined }],
  ['a milestone with a negative amount', { milestones: [{ amount: '-1', description: 'x' }, { amount: '1001', description: 'y' }] }],
])('a campaign with %s is INVALID_ARGUMENT and writes nothing', async (_what, overrides) => {
  expect(await codeOf(createCampaign(overrides))).toBe('INVALID_ARGUMENT');
  expect(ledger.keyPolicies.size).toBe(0);
  expect(await codeOf(ledger.evaluate(donor1, (ctx) => contract.ReadCampaign(ctx, 'wells')))).toBe('NOT_FOUND');
});

test('a plain campaign has no milestones and its settled money is spendable at once', async () => {
  await createCampaign({ validatorMspId: undefined, milestones: undefined });
  await give(donor1, 'd1', '100');
  await spend('100');
  expect(await codeOf(confirm(1))).toBe('INVALID_ARGUMENT');
});

test('after a campaign closes with a milestone unmet, the money it held goes back pro rata; what was released stays with the NGO', async () => {
  await createCampaign();
  await give(donor1, 'd1', '700');
  await give(donor2, 'd2', '300');
  await confirm(1); // releases 600
  await spend('200'); // 400 released money still unspent stays with the NGO
  expect(await codeOf(refundHeld())).toBe('CONFLICT'); // still open
  ledger.advanceHours(25);
  const outcome = await refundHeld();
  // Left: d1 500 (oldest, paid the spend), d2 300 = 800, of which 400 is released: 400 is held.
  expect(outcome.held).toBe('400');
  expect(outcome.refunds).toEqual([expect.objectContaining({ donationId: 'd1', amount: '250' }), expect.objectContaining({ donationId: 'd2', amount: '150' })]);
  expect(await donation('d1')).toMatchObject({ remaining: '250', refunded: '250' });
  expect(await codeOf(refundHeld())).toBe('CONFLICT');
  expect(await codeOf(confirm(2))).toBe('CONFLICT');
  await spend('400');
});

test('a campaign whose milestones were all met holds nothing to refund; only the payment service refunds', async () => {
  await createCampaign();
  await give(donor1, 'd1', '1000');
  await confirm(1);
  await confirm(2);
  ledger.advanceHours(25);
  expect(await codeOf(ledger.submit(staff, (ctx) => contract.RefundHeldMoney(ctx, JSON.stringify({ campaignId: 'wells', paymentRef: 'x' }))))).toBe('FORBIDDEN');
  expect(await codeOf(refundHeld())).toBe('CONFLICT');
});

test('the milestone policy is the SignaturePolicyEnvelope of one member of the validator org', () => {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(memberPolicyOf('AuditorMSP'));
  expect(envelope.getVersion()).toBe(0);
  const rule = envelope.getRule()!;
  expect(rule.hasNOutOf()).toBe(true);
  expect(rule.getNOutOf()!.getN()).toBe(1);
  expect(rule.getNOutOf()!.getRulesList().map((r) => [r.hasSignedBy(), r.getSignedBy()])).toEqual([[true, 0]]);
  const [principal] = envelope.getIdentitiesList();
  expect(principal!.getPrincipalClassification()).toBe(msp.MSPPrincipal.Classification.ROLE);
  const role = msp.MSPRole.deserializeBinary(principal!.getPrincipal_asU8());
  expect([role.getMspIdentifier(), role.getRole()]).toEqual(['AuditorMSP', msp.MSPRole.MSPRoleType.MEMBER]);
  expect(policyOrgs(memberPolicyOf('x'.repeat(200)))).toEqual(['x'.repeat(200)]); // lengths over 127 take two varint bytes
});

/** The MSP IDs a key-level policy names. */
function policyOrgs(policy: Uint8Array): string[] {
  return common.SignaturePolicyEnvelope.deserializeBinary(policy).getIdentitiesList().map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getMspIdentifier());
}

test('pro rata shares add up to what is held, never exceed a donation, and the rounding comes from the oldest first', () => {
  expect(proRata([100n, 100n, 100n], 100n)).toEqual([34n, 33n, 33n]);
  fc.assert(
    fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), (remaining, fraction) => {
      const total = remaining.reduce((s, r) => s + r, 0n);
      const held = BigInt(Math.floor(Number(total) * fraction));
      const shares = proRata(remaining, held > total ? total : held);
      expect(shares.reduce((s, x) => s + x, 0n)).toBe(held > total ? total : held);
      shares.forEach((share, i) => expect(share).toBeLessThanOrEqual(remaining[i] as bigint));
      shares.forEach((share) => expect(share).toBeGreaterThanOrEqual(0n));
    }),
  );
});
