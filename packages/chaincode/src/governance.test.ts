// The fake first: it quiets fabric-contract-api's logging before the contract loads.
import { codeOf, FakeIdentity, FakeLedger } from './test-support/fake-context';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '@donation-ledger/model';
import { decide, GovernanceContract } from './governance';
import { Governance, Proposal, VotingPolicy } from './governance-records';
import { Page, Revision } from './records';

const CA_CERT = readFileSync(join(__dirname, 'test-support', 'ca-cert.pem'), 'utf8');
const LEAF_CERT = readFileSync(join(__dirname, 'test-support', 'leaf-cert.pem'), 'utf8');

const org1Admin: FakeIdentity = { mspId: 'Org1MSP', admin: true };
const org2Admin: FakeIdentity = { mspId: 'Org2MSP', admin: true };
const org3Admin: FakeIdentity = { mspId: 'Org3MSP', admin: true };
const org1User: FakeIdentity = { mspId: 'Org1MSP', role: Role.NgoStaff };
const newOrgAdmin: FakeIdentity = { mspId: 'NewOrgMSP', admin: true };

const majority: VotingPolicy = { thresholdPercentage: 50, comparator: 'GREATER_THAN', proposalDurationHours: 24 };
const contract = new GovernanceContract();

async function governed(mspIds: string[], policy: VotingPolicy = majority): Promise<FakeLedger> {
  const ledger = new FakeLedger();
  const members = mspIds.map((mspId) => ({ mspId, name: mspId.replace('MSP', '').toLowerCase() }));
  await ledger.submit(org1Admin, (ctx) => contract.Configure(ctx, JSON.stringify({ members, policy })));
  return ledger;
}

const inviteRequest = (id: string, overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    id,
    description: 'Let NewOrg join the channel',
    org: { name: 'new-org', mspId: 'NewOrgMSP', caRootCert: CA_CERT, tlsRootCert: CA_CERT, ...overrides },
  });

const invite = (ledger: FakeLedger, id: string, by = org1Admin): Promise<Proposal> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.ProposeInvite(ctx, inviteRequest(id))) as Proposal);

const proposeRemoval = (ledger: FakeLedger, id: string, mspId: string, by = org1Admin): Promise<string> =>
  ledger.submit(by, (ctx) => contract.ProposeRemoval(ctx, JSON.stringify({ id, description: `Remove ${mspId}`, mspId })));

const vote = (ledger: FakeLedger, by: FakeIdentity, id: string, choice: string): Promise<Proposal> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.Vote(ctx, id, choice)) as Proposal);

const recordExecution = (ledger: FakeLedger, by: FakeIdentity, id: string, outcome: string, detail = 'channel config updated'): Promise<Proposal> =>
  ledger.submit(by, async (ctx) => JSON.parse(await contract.RecordExecution(ctx, id, JSON.stringify({ outcome, detail }))) as Proposal);

const readProposal = (ledger: FakeLedger, id: string): Promise<Proposal> =>
  ledger.evaluate(org1User, async (ctx) => JSON.parse(await contract.ReadProposal(ctx, id)) as Proposal);

const memberIds = async (ledger: FakeLedger): Promise<string[]> =>
  ledger.evaluate(org1User, async (ctx) => (JSON.parse(await contract.ReadGovernance(ctx)) as Governance).members.map((m) => m.mspId));

describe('the voting rule', () => {
  const half = (comparator: VotingPolicy['comparator']): VotingPolicy => ({ thresholdPercentage: 50, comparator, proposalDurationHours: 1 });
  const two = ['Org1MSP', 'Org2MSP'];

  test('with 2 members and 50%, one YES passes GREATER_THAN_OR_EQUAL_TO but not GREATER_THAN', () => {
    expect(decide(half('GREATER_THAN_OR_EQUAL_TO'), two, [{ mspId: 'Org1MSP', vote: 'YES' }])).toBe('APPROVED');
    expect(decide(half('GREATER_THAN'), two, [{ mspId: 'Org1MSP', vote: 'YES' }])).toBe('IN_PROGRESS');
    expect(decide(half('GREATER_THAN'), two, [{ mspId: 'Org1MSP', vote: 'YES' }, { mspId: 'Org2MSP', vote: 'YES' }])).toBe('APPROVED');
  });

  test('a proposal is REJECTED as soon as the remaining members could no longer carry it', () => {
    const three = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    expect(decide(half('GREATER_THAN'), three, [{ mspId: 'Org1MSP', vote: 'NO' }])).toBe('IN_PROGRESS');
    expect(decide(half('GREATER_THAN'), three, [{ mspId: 'Org1MSP', vote: 'NO' }, { mspId: 'Org2MSP', vote: 'NO' }])).toBe('REJECTED');
    expect(decide(half('GREATER_THAN'), two, [{ mspId: 'Org1MSP', vote: 'NO' }])).toBe('REJECTED');
    expect(decide(half('GREATER_THAN_OR_EQUAL_TO'), two, [{ mspId: 'Org1MSP', vote: 'NO' }])).toBe('IN_PROGRESS');
  });

  test('unanimity (100%, GREATER_THAN_OR_EQUAL_TO) is lost with the first NO', () => {
    const unanimity: VotingPolicy = { thresholdPercentage: 100, comparator: 'GREATER_THAN_OR_EQUAL_TO', proposalDurationHours: 1 };
    expect(decide(unanimity, two, [{ mspId: 'Org1MSP', vote: 'YES' }])).toBe('IN_PROGRESS');
    expect(decide(unanimity, two, [{ mspId: 'Org1MSP', vote: 'YES' }, { mspId: 'Org2MSP', vote: 'YES' }])).toBe('APPROVED');
    expect(decide(unanimity, two, [{ mspId: 'Org2MSP', vote: 'NO' }])).toBe('REJECTED');
  });

  test('shares are compared without rounding: 2 of 3 is not 67%', () => {
    const three = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    const yes = [{ mspId: 'Org1MSP', vote: 'YES' }, { mspId: 'Org2MSP', vote: 'YES' }];
    expect(decide({ thresholdPercentage: 67, comparator: 'GREATER_THAN_OR_EQUAL_TO', proposalDurationHours: 1 }, three, yes)).toBe('IN_PROGRESS');
    expect(decide({ thresholdPercentage: 66, comparator: 'GREATER_THAN', proposalDurationHours: 1 }, three, yes)).toBe('APPROVED');
  });

  test('votes of orgs outside the electorate do not count', () => {
    expect(decide(half('GREATER_THAN'), two, [{ mspId: 'Org1MSP', vote: 'YES' }, { mspId: 'NewOrgMSP', vote: 'YES' }])).toBe('IN_PROGRESS');
  });
});

describe('configuring governance', () => {
  test('the governance record holds the members, the policy, when and by whom', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    const governance = await ledger.evaluate(org2Admin, async (ctx) => JSON.parse(await contract.ReadGovernance(ctx)) as Governance);
    expect(governance).toEqual({
      docType: 'governance',
      members: [{ mspId: 'Org1MSP', name: 'org1' }, { mspId: 'Org2MSP', name: 'org2' }],
      policy: majority,
      configuredAt: '2026-01-01T00:00:00.000Z',
      configuredBy: 'Org1MSP',
    });
    expect(ledger.events.map((e) => e.name)).toEqual(['GovernanceConfigured']);
  });

  test('configuring twice is ALREADY_EXISTS', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    const again = JSON.stringify({ members: [{ mspId: 'Org2MSP', name: 'org2' }], policy: majority });
    expect(await codeOf(ledger.submit(org2Admin, (ctx) => contract.Configure(ctx, again)))).toBe('ALREADY_EXISTS');
  });

  test('reading governance before it is configured is NOT_FOUND', async () => {
    expect(await codeOf(new FakeLedger().evaluate(org1Admin, (ctx) => contract.ReadGovernance(ctx)))).toBe('NOT_FOUND');
  });

  test('only an admin of a listed org may configure', async () => {
    const request = JSON.stringify({ members: [{ mspId: 'Org1MSP', name: 'org1' }], policy: majority });
    expect(await codeOf(new FakeLedger().submit(org2Admin, (ctx) => contract.Configure(ctx, request)))).toBe('FORBIDDEN');
    expect(await codeOf(new FakeLedger().submit(org1User, (ctx) => contract.Configure(ctx, request)))).toBe('FORBIDDEN');
  });

  test.each([
    ['no members', { members: [], policy: majority }],
    ['a repeated MSP ID', { members: [{ mspId: 'Org1MSP', name: 'a' }, { mspId: 'Org1MSP', name: 'b' }], policy: majority }],
    ['an invalid MSP ID', { members: [{ mspId: '1Org', name: 'a' }], policy: majority }],
    ['a threshold of 0', { members: [{ mspId: 'Org1MSP', name: 'a' }], policy: { ...majority, thresholdPercentage: 0 } }],
    ['a fractional threshold', { members: [{ mspId: 'Org1MSP', name: 'a' }], policy: { ...majority, thresholdPercentage: 50.5 } }],
    ['an unknown comparator', { members: [{ mspId: 'Org1MSP', name: 'a' }], policy: { ...majority, comparator: 'MORE' } }],
    ['a duration over a week', { members: [{ mspId: 'Org1MSP', name: 'a' }], policy: { ...majority, proposalDurationHours: 169 } }],
    ['more than 100% required', { members: [{ mspId: 'Org1MSP', name: 'a' }], policy: { ...majority, thresholdPercentage: 100 } }],
    ['an unknown field', { members: [{ mspId: 'Org1MSP', name: 'a' }], policy: majority, quorum: 2 }],
  ])('a configuration with %s is INVALID_ARGUMENT', async (_name, request) => {
    expect(await codeOf(new FakeLedger().submit(org1Admin, (ctx) => contract.Configure(ctx, JSON.stringify(request))))).toBe('INVALID_ARGUMENT');
  });
});

describe('proposing', () => {
  test('an invite snapshots the policy and electorate, and expires after the policy duration from the transaction time', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    ledger.advanceHours(1);
    const proposal = await invite(ledger, 'p1', org2Admin);
    expect(proposal).toMatchObject({
      id: 'p1', action: 'INVITE', targetMspId: 'NewOrgMSP', proposedBy: 'Org2MSP', status: 'IN_PROGRESS', votes: [],
      createdAt: '2026-01-01T01:00:00.000Z', expiresAt: '2026-01-02T01:00:00.000Z', policy: majority, membersAtCreation: ['Org1MSP', 'Org2MSP'],
      org: { name: 'new-org', mspId: 'NewOrgMSP', caRootCert: CA_CERT.trim(), tlsRootCert: CA_CERT.trim() },
    });
    expect(ledger.events.at(-1)?.name).toBe('ProposalCreated');
  });

  test.each([
    ['caRootCert', 'not a certificate', 'org.caRootCert must be one PEM certificate'],
    ['caRootCert', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'org.caRootCert is not a readable X.509 certificate'],
    ['tlsRootCert', LEAF_CERT, 'org.tlsRootCert is not a CA certificate'],
  ])('an invite whose %s is malformed or not a CA is INVALID_ARGUMENT naming the field', async (field, pem, message) => {
    const ledger = await governed(['Org1MSP']);
    const result = ledger.submit(org1Admin, (ctx) => contract.ProposeInvite(ctx, inviteRequest('p1', { [field]: pem })));
    await expect(result).rejects.toThrow(`INVALID_ARGUMENT: ${message}`);
  });

  test('an invite with an invalid MSP ID or a name that is not a slug is INVALID_ARGUMENT', async () => {
    const ledger = await governed(['Org1MSP']);
    for (const bad of [{ mspId: 'New Org' }, { mspId: 'x'.repeat(65) }, { name: 'New Org' }]) {
      expect(await codeOf(ledger.submit(org1Admin, (ctx) => contract.ProposeInvite(ctx, inviteRequest('p1', bad))))).toBe('INVALID_ARGUMENT');
    }
  });

  test('inviting a member is CONFLICT', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    const result = ledger.submit(org1Admin, (ctx) => contract.ProposeInvite(ctx, inviteRequest('p1', { mspId: 'Org2MSP' })));
    await expect(result).rejects.toThrow('CONFLICT: MSP Org2MSP is already a member');
  });

  test('a second open proposal for the same MSP is CONFLICT; a repeated proposal id is ALREADY_EXISTS', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    expect(await codeOf(invite(ledger, 'p2', org2Admin))).toBe('CONFLICT');
    expect(await codeOf(invite(ledger, 'p1', org2Admin))).toBe('ALREADY_EXISTS');
  });

  test('an approved but not yet executed invite blocks another for the same MSP; a failed one does not', async () => {
    const ledger = await governed(['Org1MSP']);
    await invite(ledger, 'p1');
    await vote(ledger, org1Admin, 'p1', 'YES');
    await expect(invite(ledger, 'p2')).rejects.toThrow('CONFLICT: proposal p1 to invite MSP NewOrgMSP is still APPROVED');
    await recordExecution(ledger, org1Admin, 'p1', 'ACTION_FAILED', 'wrong TLS root');
    expect((await invite(ledger, 'p2')).status).toBe('IN_PROGRESS');
  });

  test('an expired proposal does not block a new one for the same MSP', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP'], { ...majority, proposalDurationHours: 1 });
    await invite(ledger, 'p1');
    ledger.advanceHours(1);
    expect((await invite(ledger, 'p2')).status).toBe('IN_PROGRESS');
  });

  test('only admins of member orgs may propose', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    expect(await codeOf(invite(ledger, 'p1', org1User))).toBe('FORBIDDEN');
    expect(await codeOf(invite(ledger, 'p1', org3Admin))).toBe('FORBIDDEN');
    expect(await codeOf(proposeRemoval(ledger, 'r1', 'Org2MSP', org3Admin))).toBe('FORBIDDEN');
  });

  test('proposing before governance is configured is NOT_FOUND', async () => {
    expect(await codeOf(invite(new FakeLedger(), 'p1'))).toBe('NOT_FOUND');
  });

  test('removing an org that is not a member is NOT_FOUND', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await expect(proposeRemoval(ledger, 'r1', 'Org3MSP')).rejects.toThrow('NOT_FOUND: MSP Org3MSP is not a member');
  });

  test('removing the last member is CONFLICT', async () => {
    const ledger = await governed(['Org1MSP']);
    await expect(proposeRemoval(ledger, 'r1', 'Org1MSP')).rejects.toThrow('CONFLICT: MSP Org1MSP is the last member');
  });
});

describe('voting', () => {
  test('a vote that leaves the proposal open emits VoteCast; the deciding vote emits ProposalStatusChanged', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    ledger.advanceHours(2);
    expect(await vote(ledger, org1Admin, 'p1', 'YES')).toMatchObject({ status: 'IN_PROGRESS', votes: [{ mspId: 'Org1MSP', vote: 'YES', at: '2026-01-01T02:00:00.000Z' }] });
    expect(ledger.events.at(-1)?.name).toBe('VoteCast');
    expect((await vote(ledger, org2Admin, 'p1', 'YES')).status).toBe('APPROVED');
    expect(ledger.events.at(-1)).toMatchObject({ name: 'ProposalStatusChanged', payload: { id: 'p1', status: 'APPROVED' } });
  });

  test('two NO votes of three reject the proposal before the third votes, and it takes no more votes', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    await invite(ledger, 'p1');
    await vote(ledger, org1Admin, 'p1', 'NO');
    expect((await vote(ledger, org2Admin, 'p1', 'NO')).status).toBe('REJECTED');
    await expect(vote(ledger, org3Admin, 'p1', 'YES')).rejects.toThrow('CONFLICT: proposal p1 is REJECTED');
  });

  test('a second vote by the same org is ALREADY_EXISTS, and the first vote stands', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    await invite(ledger, 'p1');
    await vote(ledger, org1Admin, 'p1', 'YES');
    await expect(vote(ledger, org1Admin, 'p1', 'NO')).rejects.toThrow('ALREADY_EXISTS: MSP Org1MSP has already voted on proposal p1');
    expect((await readProposal(ledger, 'p1')).votes).toEqual([expect.objectContaining({ mspId: 'Org1MSP', vote: 'YES' })]);
  });

  test('a user of a member org who is not its admin is FORBIDDEN', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    expect(await codeOf(vote(ledger, org1User, 'p1', 'YES'))).toBe('FORBIDDEN');
  });

  test('an admin of an org outside the electorate is FORBIDDEN, even the invited org', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    expect(await codeOf(vote(ledger, org3Admin, 'p1', 'YES'))).toBe('FORBIDDEN');
    expect(await codeOf(vote(ledger, newOrgAdmin, 'p1', 'YES'))).toBe('FORBIDDEN');
  });

  test('a vote other than YES or NO is INVALID_ARGUMENT; an unknown proposal is NOT_FOUND', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    expect(await codeOf(vote(ledger, org1Admin, 'p1', 'yes'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(vote(ledger, org1Admin, 'p9', 'YES'))).toBe('NOT_FOUND');
  });

  test('a vote at or after expiry is EXPIRED and changes nothing; reads report the proposal EXPIRED', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    ledger.advanceHours(24);
    await expect(vote(ledger, org1Admin, 'p1', 'YES')).rejects.toThrow('EXPIRED: proposal p1 expired at 2026-01-02T00:00:00.000Z');
    expect(await readProposal(ledger, 'p1')).toMatchObject({ status: 'EXPIRED', votes: [] });
    const page = await ledger.evaluate(org1User, async (ctx) => JSON.parse(await contract.ListProposals(ctx, '', '')) as Page<Proposal>);
    expect(page.records.map((p) => p.status)).toEqual(['EXPIRED']);
    const history = await ledger.evaluate(org1User, async (ctx) => JSON.parse(await contract.GetProposalHistory(ctx, 'p1')) as Revision[]);
    expect(history.map((r) => (r.value as Proposal).status)).toEqual(['IN_PROGRESS']);
  });

  test('the electorate is fixed when the proposal is made: a member added later does not vote on it', async () => {
    const ledger = await governed(['Org1MSP'], { ...majority, proposalDurationHours: 48 });
    await invite(ledger, 'p1');
    await ledger.submit(org1Admin, (ctx) => contract.ProposeInvite(ctx, inviteRequest('p2', { mspId: 'Org3MSP', name: 'org3' })));
    await vote(ledger, org1Admin, 'p1', 'YES');
    await recordExecution(ledger, org1Admin, 'p1', 'EXECUTED');
    expect(await codeOf(vote(ledger, newOrgAdmin, 'p2', 'YES'))).toBe('FORBIDDEN');
  });
});

describe('recording execution', () => {
  test('only an APPROVED proposal can be executed: IN_PROGRESS, EXPIRED and REJECTED are CONFLICT', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    await expect(recordExecution(ledger, org1Admin, 'p1', 'EXECUTED')).rejects.toThrow('CONFLICT: proposal p1 is IN_PROGRESS');
    ledger.advanceHours(24);
    await expect(recordExecution(ledger, org1Admin, 'p1', 'EXECUTED')).rejects.toThrow('CONFLICT: proposal p1 is EXPIRED');
    await invite(ledger, 'p2');
    await vote(ledger, org1Admin, 'p2', 'NO');
    await expect(recordExecution(ledger, org1Admin, 'p2', 'EXECUTED')).rejects.toThrow('CONFLICT: proposal p2 is REJECTED');
  });

  test('an executed invite adds the org to the members, and it cannot be executed twice', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP'], { ...majority, comparator: 'GREATER_THAN_OR_EQUAL_TO' });
    await invite(ledger, 'p1');
    await vote(ledger, org2Admin, 'p1', 'YES');
    ledger.advanceHours(30); // approval does not expire: expiry only closes voting
    const executed = await recordExecution(ledger, org2Admin, 'p1', 'EXECUTED', 'config block 7');
    expect(executed).toMatchObject({ status: 'EXECUTED', outcome: { detail: 'config block 7', at: '2026-01-02T06:00:00.000Z', by: 'Org2MSP' } });
    expect(ledger.events.at(-1)?.name).toBe('ProposalStatusChanged');
    expect(await memberIds(ledger)).toEqual(['Org1MSP', 'Org2MSP', 'NewOrgMSP']);
    await expect(recordExecution(ledger, org1Admin, 'p1', 'EXECUTED')).rejects.toThrow('CONFLICT: proposal p1 is EXECUTED');
  });

  test('an executed removal removes the org; its own admin may not record it', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    await proposeRemoval(ledger, 'r1', 'Org3MSP');
    await vote(ledger, org1Admin, 'r1', 'YES');
    await vote(ledger, org2Admin, 'r1', 'YES');
    expect(await codeOf(recordExecution(ledger, org3Admin, 'r1', 'EXECUTED'))).toBe('FORBIDDEN');
    await recordExecution(ledger, org1Admin, 'r1', 'EXECUTED');
    expect(await memberIds(ledger)).toEqual(['Org1MSP', 'Org2MSP']);
  });

  test('ACTION_FAILED leaves the members alone and may be retried until EXECUTED', async () => {
    const ledger = await governed(['Org1MSP']);
    await invite(ledger, 'p1');
    await vote(ledger, org1Admin, 'p1', 'YES');
    expect((await recordExecution(ledger, org1Admin, 'p1', 'ACTION_FAILED', 'orderer refused the update')).status).toBe('ACTION_FAILED');
    expect(await memberIds(ledger)).toEqual(['Org1MSP']);
    await recordExecution(ledger, org1Admin, 'p1', 'EXECUTED', 'retried after fixing the signatures');
    expect(await memberIds(ledger)).toEqual(['Org1MSP', 'NewOrgMSP']);
    const history = await ledger.evaluate(org1User, async (ctx) => JSON.parse(await contract.GetProposalHistory(ctx, 'p1')) as Revision[]);
    expect(history.map((r) => (r.value as Proposal).status)).toEqual(['IN_PROGRESS', 'APPROVED', 'ACTION_FAILED', 'EXECUTED']);
  });

  test('two approved removals cannot together remove every member', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP'], { ...majority, comparator: 'GREATER_THAN_OR_EQUAL_TO' });
    await proposeRemoval(ledger, 'r1', 'Org1MSP');
    await proposeRemoval(ledger, 'r2', 'Org2MSP');
    await vote(ledger, org1Admin, 'r1', 'YES');
    await vote(ledger, org1Admin, 'r2', 'YES');
    await recordExecution(ledger, org2Admin, 'r1', 'EXECUTED');
    await expect(recordExecution(ledger, org2Admin, 'r2', 'EXECUTED')).rejects.toThrow('CONFLICT: MSP Org2MSP is the last member');
    expect(await memberIds(ledger)).toEqual(['Org2MSP']);
  });

  test('an outcome other than EXECUTED or ACTION_FAILED, or a missing detail, is INVALID_ARGUMENT', async () => {
    const ledger = await governed(['Org1MSP']);
    await invite(ledger, 'p1');
    await vote(ledger, org1Admin, 'p1', 'YES');
    expect(await codeOf(recordExecution(ledger, org1Admin, 'p1', 'DONE'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(recordExecution(ledger, org1Admin, 'p1', 'EXECUTED', ''))).toBe('INVALID_ARGUMENT');
  });
});

describe('listing', () => {
  test('proposals come a page at a time, with a bookmark to the next page', async () => {
    const ledger = await governed(['Org1MSP', 'Org2MSP']);
    await invite(ledger, 'p1');
    await proposeRemoval(ledger, 'p2', 'Org2MSP');
    const list = (bookmark: string): Promise<Page<Proposal>> =>
      ledger.evaluate(org1User, async (ctx) => JSON.parse(await contract.ListProposals(ctx, '1', bookmark)) as Page<Proposal>);
    const first = await list('');
    expect(first.records.map((p) => p.id)).toEqual(['p1']);
    const second = await list(first.bookmark);
    expect(second.records.map((p) => p.id)).toEqual(['p2']);
  });
});
