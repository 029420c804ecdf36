// A day of the ledger that calls every transaction of both contracts at least once (and a few
// that fail), each through the shim's dispatcher (see peer.ts): the calls, and what came back.
// Not part of the build (see tsconfig.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DONOR_PLATFORM_MSP, NGO_MSP, Role } from '@donation-ledger/model';
import { FakeIdentity, FakeLedger } from './fake-context';
import { InProcessPeer, Response } from './peer';

const ngoAdmin: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoAdmin, name: 'ngoadmin1' };
const staff: FakeIdentity = { mspId: NGO_MSP, role: Role.NgoStaff, ngoId: 'ngo-a', name: 'staff-a' };
const donor1: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Donor, name: 'donor1' };
const donor2: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Donor, name: 'donor2' };
const payments: FakeIdentity = { mspId: DONOR_PLATFORM_MSP, role: Role.Payments, name: 'payments1' };
const auditor: FakeIdentity = { mspId: 'AuditorMSP', role: Role.Validator, name: 'validator1' };
const org1Admin: FakeIdentity = { mspId: 'Org1MSP', admin: true };
const org2Admin: FakeIdentity = { mspId: 'Org2MSP', admin: true };
const CA_CERT = readFileSync(join(__dirname, 'ca-cert.pem'), 'utf8');
const HASH = 'e'.repeat(64);

/** One call and its response; `fn` is as the client names it ("Governance:Vote" for the second contract). */
export interface Exchange {
  readonly fn: string;
  readonly args: readonly string[];
  readonly response: Response;
}

export async function runScenario(peer: InProcessPeer): Promise<Exchange[]> {
  const ledger = new FakeLedger();
  const exchanges: Exchange[] = [];
  const iso = (hoursFromNow: number): string => new Date(ledger.now + hoursFromNow * 3_600_000).toISOString();
  const submit = async (by: FakeIdentity, fn: string, args: readonly unknown[], transient: Record<string, string> = {}): Promise<void> => {
    const strings = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
    exchanges.push({ fn, args: strings, response: await peer.submit(ledger, by, fn, strings, transient) });
  };
  const evaluate = async (by: FakeIdentity, fn: string, args: readonly string[]): Promise<void> => {
    exchanges.push({ fn, args, response: await peer.evaluate(ledger, by, fn, args) });
  };

  // NGOs
  await submit(ngoAdmin, 'RegisterNgo', [{ id: 'ngo-a', name: 'NGO A', description: 'Wells in dry regions' }]);
  await submit(ngoAdmin, 'RegisterNgo', [{ id: 'ngo-b', name: 'NGO B', contact: 'b@example.org' }]);
  await submit(ngoAdmin, 'RegisterNgo', ['{not json']);
  await submit(ngoAdmin, 'RegisterNgo', [{ id: 'ngo-c', name: 'NGO C', website: 'x' }]);
  await submit(ngoAdmin, 'RegisterNgo', []);
  await submit(ngoAdmin, 'SetNgoStatus', ['ngo-b', 'suspended']);
  await evaluate(donor1, 'ReadNgo', ['ngo-b']);
  await submit(ngoAdmin, 'SetNgoStatus', ['ngo-b', 'active']);
  await evaluate(donor1, 'ListNgos', ['10', '']);
  await evaluate(donor1, 'ListNgos', ['1', '']);
  await evaluate(donor1, 'ReadNgo', ['no-such-ngo']);

  // An outcome-based campaign, donations, their settlement
  await submit(staff, 'CreateCampaign', [{
    id: 'wells', ngoId: 'ngo-a', name: 'Wells', goal: '1000', currency: 'EUR', opensAt: iso(-1), closesAt: iso(24),
    validatorMspId: 'AuditorMSP', milestones: [{ amount: '600', description: 'Well dug' }, { amount: '400', description: 'Water tested' }],
  }]);
  await evaluate(donor1, 'ReadCampaign', ['wells']);
  await evaluate(donor1, 'ListCampaignsByNgo', ['ngo-a', '10', '']);
  await evaluate(donor1, 'ListMilestones', ['wells']);
  await submit(donor1, 'Donate', [{ id: 'd1', ngoId: 'ngo-a', campaignId: 'wells', amount: '700', currency: 'EUR' }]);
  await submit(donor2, 'Donate', [{ id: 'd2', ngoId: 'ngo-a', campaignId: 'wells', amount: 300, currency: 'EUR' }]);
  await submit(donor1, 'Donate', [{ id: 'd3', ngoId: 'ngo-a', amount: '500', currency: 'EUR' }]);
  await submit(donor1, 'Donate', [{ id: 'd4', ngoId: 'ngo-a', amount: '50', currency: 'EUR' }]);
  await submit(donor1, 'Donate', [{ id: 'd5', ngoId: 'ngo-a', amount: '12.5', currency: 'EUR' }]);
  const batch = { batchId: 'batch-1', settlements: ['d1', 'd2', 'd3'].map((donationId) => ({ donationId, paymentRef: `psp-${donationId}` })) };
  await submit(payments, 'SettleDonations', [batch]);
  await submit(payments, 'SettleDonations', [batch]);
  await evaluate(donor1, 'ReadSettlement', ['batch-1']);
  await submit(donor1, 'CancelPledge', ['d4']);

  // Milestones, spends, refunds
  await submit(auditor, 'ConfirmMilestone', [{ campaignId: 'wells', index: 1, evidenceHash: HASH }]);
  await evaluate(donor1, 'ListMilestones', ['wells']);
  await submit(staff, 'RecordSpend', [{ id: 's1', ngoId: 'ngo-a', campaignId: 'wells', amount: '500', currency: 'EUR', description: 'Drilling', category: 'water', receiptHash: HASH }]);
  await submit(staff, 'RecordSpend', [{ id: 's2', ngoId: 'ngo-a', amount: '200', currency: 'EUR', description: 'Salaries', category: 'salaries' }]);
  await submit(staff, 'RecordSpend', [{ id: 's3', ngoId: 'ngo-a', amount: '999999', currency: 'EUR', description: 'Too much', category: 'salaries' }]);
  await evaluate(donor1, 'ReadSpend', ['s1']);
  await evaluate(donor1, 'ListSpendsByNgo', ['ngo-a', '10', '']);
  await evaluate(donor1, 'ListAllocationsByDonation', ['d1', '10', '']);
  await submit(payments, 'RefundDonation', [{ donationId: 'd3', amount: '100', paymentRef: 'psp-r1', reason: 'asked' }]);
  await evaluate(donor1, 'ListRefundsByDonation', ['d3', '10', '']);
  await evaluate(donor1, 'ReadDonation', ['d1']);
  await evaluate(donor1, 'ListDonationsByNgo', ['ngo-a', '10', '']);
  await evaluate(donor1, 'ListDonationsByCampaign', ['wells', '10', '']);
  await evaluate(donor1, 'ListMyDonations', ['10', '']);
  await evaluate(staff, 'ReadBalance', ['ngo-a']);

  // Ratings, private details, history
  await submit(donor1, 'RateNgo', ['ngo-a', '5']);
  await evaluate(donor1, 'ListRatingsByNgo', ['ngo-a', '10', '']);
  await submit(donor1, 'SetMyDetails', [], { details: JSON.stringify({ name: 'Ada', email: 'ada@example.org' }) });
  await evaluate(donor1, 'ReadMyDetails', []);
  await evaluate(donor1, 'GetHistory', ['donation', 'd1']);
  await evaluate(donor1, 'GetHistory', ['ngo', 'ngo-b']);
  await evaluate(donor1, 'GetHistory', ['nothing', 'd1']);

  // The campaign closes with its second milestone unmet: what it held goes back
  ledger.advanceHours(48);
  await submit(payments, 'RefundHeldMoney', [{ campaignId: 'wells', paymentRef: 'psp-back' }]);
  await evaluate(donor1, 'ReadCampaign', ['wells']);

  // Governance
  const members = [{ mspId: 'Org1MSP', name: 'org1' }, { mspId: 'Org2MSP', name: 'org2' }];
  await submit(org1Admin, 'Governance:Configure', [{ members, policy: { thresholdPercentage: 50, comparator: 'GREATER_THAN', proposalDurationHours: 24 } }]);
  await evaluate(donor1, 'Governance:ReadGovernance', []);
  await submit(org1Admin, 'Governance:ProposeInvite', [{ id: 'p1', description: 'Let NewOrg join', org: { name: 'new-org', mspId: 'NewOrgMSP', caRootCert: CA_CERT, tlsRootCert: CA_CERT } }]);
  await submit(org2Admin, 'Governance:ProposeRemoval', [{ id: 'p2', description: 'Remove Org1', mspId: 'Org1MSP' }]);
  await submit(org1Admin, 'Governance:Vote', ['p1', 'YES']);
  await submit(org2Admin, 'Governance:Vote', ['p1', 'YES']);
  await submit(org2Admin, 'Governance:Vote', ['p9', 'YES']);
  await submit(org1Admin, 'Governance:RecordExecution', ['p1', { outcome: 'EXECUTED', detail: 'channel config updated' }]);
  await evaluate(donor1, 'Governance:ReadProposal', ['p1']);
  await evaluate(donor1, 'Governance:ListProposals', ['10', '']);
  await evaluate(donor1, 'Governance:GetProposalHistory', ['p1']);
  ledger.advanceHours(48);
  await evaluate(donor1, 'Governance:ReadProposal', ['p2']);
  await evaluate(donor1, 'NoSuchTransaction', []);
  return exchanges;
}
