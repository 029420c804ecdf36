// Membership governance in the manner of Amazon Managed Blockchain: admins of member orgs propose
// to invite or remove an org and vote on it. The ledger only keeps the decision; the channel
// configuration update is carried out off-chain by the members' admins, who then record its
// outcome here. Helpers live outside the class so they can never be invoked as transactions.
import { GOVERNANCE_CONTRACT, TextLimit } from '@donation-ledger/model';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { Caller, requireOrgAdminOf } from './access';
import { conflict, ErrorCode, invalid, LedgerError } from './errors';
import {
  COMPARATORS, EXECUTION_OUTCOMES, Governance, GovernanceMember, InvitedOrg, Proposal, ProposalStatus, VOTE_CHOICES, VotingLimit, VotingPolicy,
} from './governance-records';
import { json, unmarshal } from './json';
import { key, KeyType } from './keys';
import { Events } from './records';
import { allEntries, exists, getRecord, historyOf, pageOf, putIndex, putRecord, write } from './store';
import './schemas';
import { txTime } from './time';
import {
  parseObject, requireBookmark, requireCaCertificate, requireId, requireMspId, requireObject, requireOneOf, requirePageSize, requireSlug,
  requireText, requireWholeNumber,
} from './validation';

/** More members than this would make every proposal a long vote; a channel of this size wants another design. */
const MAX_MEMBERS = 100;

export type Decision = 'APPROVED' | 'REJECTED' | 'IN_PROGRESS';

@Info({ title: 'Governance', description: 'Member orgs vote to invite orgs to the channel or remove them' })
export class GovernanceContract extends Contract {
  constructor() {
    super(GOVERNANCE_CONTRACT);
  }

  /**
   * Sets the founding members and the voting policy, once: afterwards membership changes only by
   * proposals. Request: {members: [{mspId, name}], policy: {thresholdPercentage,
   * comparator, proposalDurationHours}}. Caller: an admin of one of the listed orgs.
   */
  @Transaction()
  @Returns('Governance')
  async Configure(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['members', 'policy']);
    const members = requireMembers(input.members);
    const policy = requirePolicy(input.policy);
    const caller = requireOrgAdminOf(ctx, members.map((m) => m.mspId), 'configure governance');
    const stateKey = governanceKey(ctx);
    if (await exists(ctx, stateKey)) {
      throw new LedgerError(ErrorCode.AlreadyExists, 'governance is already configured; members now change only by proposals');
    }
    const governance: Governance = { docType: 'governance', members, policy, configuredAt: txTime(ctx), configuredBy: caller.mspId };
    return write(ctx, stateKey, governance, Events.GovernanceConfigured);
  }

  @Transaction(false)
  @Returns('Governance')
  async ReadGovernance(ctx: Context): Promise<string> {
    return json(await readGovernance(ctx));
  }

  /**
   * Proposes to invite an org. Request: {id, description, org: {name, mspId, caRootCert,
   * tlsRootCert}} with the roots as PEM CA certificates. Caller: an admin of a member org.
   */
  @Transaction()
  @Returns('Proposal')
  async ProposeInvite(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['id', 'description', 'org']);
    const id = requireId('id', input.id);
    const description = requireText('description', input.description, TextLimit.proposalDescription);
    const org = requireInvitedOrg(input.org);
    const governance = await readGovernance(ctx);
    const caller = requireOrgAdminOf(ctx, memberIds(governance), 'propose to invite orgs');
    await requireNewProposal(ctx, id);
    if (isMember(governance, org.mspId)) throw conflict(`MSP ${org.mspId} is already a member`);
    return propose(ctx, governance, caller, { id, action: 'INVITE', description, org, targetMspId: org.mspId });
  }

  /** Proposes to remove a member org. Request: {id, description, mspId}. Caller: an admin of a member org. */
  @Transaction()
  @Returns('Proposal')
  async ProposeRemoval(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['id', 'description', 'mspId']);
    const id = requireId('id', input.id);
    const description = requireText('description', input.description, TextLimit.proposalDescription);
    const target = requireMspId('mspId', input.mspId);
    const governance = await readGovernance(ctx);
    const caller = requireOrgAdminOf(ctx, memberIds(governance), 'propose to remove orgs');
    await requireNewProposal(ctx, id);
    if (!isMember(governance, target)) throw new LedgerError(ErrorCode.NotFound, `MSP ${target} is not a member, so it cannot be removed`);
    if (governance.members.length === 1) throw conflict(`MSP ${target} is the last member; removing it would leave nobody to govern the channel`);
    return propose(ctx, governance, caller, { id, action: 'REMOVE', description, targetMspId: target });
  }

  /**
   * Casts the caller's org's vote ("YES" | "NO"), once per org, before the proposal expires.
   * Caller: an admin of an org that was a member when the proposal was made.
   */
  @Transaction()
  @Returns('Proposal')
  async Vote(ctx: Context, proposalId: string, vote: string): Promise<string> {
    const id = requireId('proposalId', proposalId);
    const choice = requireOneOf('vote', vote, VOTE_CHOICES);
    const proposal = await getRecord<Proposal>(ctx, KeyType.Proposal, id, 'proposal');
    const caller = requireOrgAdminOf(ctx, proposal.membersAtCreation, `vote on proposal ${id}`);
    const now = txTime(ctx);
    if (proposal.status !== 'IN_PROGRESS') throw conflict(`proposal ${id} is ${proposal.status}; only IN_PROGRESS proposals take votes`);
    if (now >= proposal.expiresAt) throw new LedgerError(ErrorCode.Expired, `proposal ${id} expired at ${proposal.expiresAt}`);
    if (proposal.votes.some((v) => v.mspId === caller.mspId)) {
      throw new LedgerError(ErrorCode.AlreadyExists, `MSP ${caller.mspId} has already voted on proposal ${id}`);
    }
    const votes = [...proposal.votes, { mspId: caller.mspId, vote: choice, at: now }];
    const status = decide(proposal.policy, proposal.membersAtCreation, votes);
    // Fabric keeps one event per transaction: the decision matters more than the vote behind it.
    const event = status === proposal.status ? Events.VoteCast : Events.ProposalStatusChanged;
    return write(ctx, proposalKey(ctx, id), { ...proposal, votes, status }, event);
  }

  /**
   * Records what came of carrying out an approved proposal. Request: {outcome: "EXECUTED" |
   * "ACTION_FAILED", detail}. EXECUTED adds the invited org to the members or removes the target.
   * Caller: an admin of a current member org (not of the org being removed).
   */
  @Transaction()
  @Returns('Proposal')
  async RecordExecution(ctx: Context, proposalId: string, request: string): Promise<string> {
    const id = requireId('proposalId', proposalId);
    const input = parseObject('request', request, ['outcome', 'detail']);
    const outcome = requireOneOf('outcome', input.outcome, EXECUTION_OUTCOMES);
    const detail = requireText('detail', input.detail, TextLimit.executionDetail);
    const proposal = await getRecord<Proposal>(ctx, KeyType.Proposal, id, 'proposal');
    const governance = await readGovernance(ctx);
    const now = txTime(ctx);
    // Expiry limits only voting: an approved proposal stays executable. A failed channel update
    // can be retried once its cause is fixed, so an ACTION_FAILED proposal may be recorded again.
    if (proposal.status !== 'APPROVED' && proposal.status !== 'ACTION_FAILED') {
      throw conflict(`proposal ${id} is ${statusAt(proposal, now)}; only APPROVED proposals (or ACTION_FAILED ones, to retry) can be executed`);
    }
    // Checked before the caller: when only the target is left, no one else could be the caller.
    const executed = outcome === 'EXECUTED' ? applyProposal(governance, proposal) : undefined;
    // The org being removed must not be the one to say whether its removal happened.
    const recorders = memberIds(governance).filter((m) => proposal.action !== 'REMOVE' || m !== proposal.targetMspId);
    const caller = requireOrgAdminOf(ctx, recorders, `record the execution of proposal ${id}`);
    if (executed) await putRecord(ctx, governanceKey(ctx), executed);
    const updated: Proposal = { ...proposal, status: outcome, outcome: { detail, at: now, by: caller.mspId } };
    return write(ctx, proposalKey(ctx, id), updated, Events.ProposalStatusChanged);
  }

  /** A proposal, with status EXPIRED when voting closed before it was decided. */
  @Transaction(false)
  @Returns('Proposal')
  async ReadProposal(ctx: Context, proposalId: string): Promise<string> {
    const proposal = await getRecord<Proposal>(ctx, KeyType.Proposal, requireId('proposalId', proposalId), 'proposal');
    return json(asOf(proposal, txTime(ctx)));
  }

  @Transaction(false)
  @Returns('ProposalPage')
  async ListProposals(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const now = txTime(ctx);
    const page = await pageOf(ctx, KeyType.Proposal, [], requirePageSize(pageSize), requireBookmark(bookmark), (_a, value) =>
      asOf(unmarshal<Proposal>(value), now),
    );
    return json(page);
  }

  /** Every stored revision of a proposal, oldest first: each vote and outcome with its transaction. */
  @Transaction(false)
  @Returns('ProposalRevision[]')
  async GetProposalHistory(ctx: Context, proposalId: string): Promise<string> {
    const id = requireId('proposalId', proposalId);
    const revisions = await historyOf(ctx, proposalKey(ctx, id));
    if (revisions.length === 0) throw new LedgerError(ErrorCode.NotFound, `proposal ${id} does not exist`);
    return json(revisions);
  }
}

// ---- The voting rule (pure) --------------------------------------------------------------

/**
 * Where the votes leave a proposal: APPROVED once the YES share of the electorate meets the
 * policy, REJECTED once it could not meet it even if every org yet to vote said YES. One vote per
 * org; votes from outside the electorate do not count.
 */
export function decide(policy: VotingPolicy, electorate: readonly string[], votes: readonly { mspId: string; vote: string }[]): Decision {
  if (electorate.length === 0) throw new RangeError('a proposal needs an electorate');
  const cast = new Map(votes.filter((v) => electorate.includes(v.mspId)).map((v) => [v.mspId, v.vote]));
  const yes = [...cast.values()].filter((v) => v === 'YES').length;
  const undecided = electorate.length - cast.size;
  if (passes(policy, yes, electorate.length)) return 'APPROVED';
  if (!passes(policy, yes + undecided, electorate.length)) return 'REJECTED';
  return 'IN_PROGRESS';
}

/** 100*yes/electorate against the threshold, in integers so that no share is rounded. */
function passes(policy: VotingPolicy, yes: number, electorate: number): boolean {
  const share = 100 * yes;
  const bar = policy.thresholdPercentage * electorate;
  return policy.comparator === 'GREATER_THAN' ? share > bar : share >= bar;
}

// ---- Helpers (not transactions) ----------------------------------------------------------

const governanceKey = (ctx: Context): string => key(ctx.stub, KeyType.Governance);
const proposalKey = (ctx: Context, id: string): string => key(ctx.stub, KeyType.Proposal, id);
const memberIds = (governance: Governance): string[] => governance.members.map((m) => m.mspId);
const isMember = (governance: Governance, mspId: string): boolean => governance.members.some((m) => m.mspId === mspId);

async function readGovernance(ctx: Context): Promise<Governance> {
  const bytes = await ctx.stub.getState(governanceKey(ctx));
  if (bytes.length === 0) throw new LedgerError(ErrorCode.NotFound, 'governance has not been configured (Configure comes first)');
  return unmarshal<Governance>(bytes);
}

/** The status a reader sees: a stored IN_PROGRESS past its expiry is EXPIRED (see ProposalStatus). */
function statusAt(proposal: Proposal, now: string): ProposalStatus {
  return proposal.status === 'IN_PROGRESS' && now >= proposal.expiresAt ? 'EXPIRED' : proposal.status;
}

function asOf(proposal: Proposal, now: string): Proposal {
  return { ...proposal, status: statusAt(proposal, now) };
}

async function requireNewProposal(ctx: Context, id: string): Promise<void> {
  if (await exists(ctx, proposalKey(ctx, id))) throw new LedgerError(ErrorCode.AlreadyExists, `proposal ${id} already exists`);
}

/** Two open proposals about one org could both pass and be carried out twice. */
async function requireNoOpenProposal(ctx: Context, targetMspId: string, now: string): Promise<void> {
  for (const entry of await allEntries(ctx, KeyType.ProposalsByTarget, [targetMspId])) {
    const other = await getRecord<Proposal>(ctx, KeyType.Proposal, entry.attributes[1] ?? '', 'proposal');
    const status = statusAt(other, now);
    if (status === 'IN_PROGRESS' || status === 'APPROVED') {
      throw conflict(`proposal ${other.id} to ${other.action.toLowerCase()} MSP ${targetMspId} is still ${status}`);
    }
  }
}

async function propose(
  ctx: Context, governance: Governance, caller: Caller, fields: Pick<Proposal, 'id' | 'action' | 'description' | 'org' | 'targetMspId'>,
): Promise<string> {
  const now = txTime(ctx);
  await requireNoOpenProposal(ctx, fields.targetMspId, now);
  const proposal: Proposal = {
    docType: 'proposal',
    ...fields,
    proposedBy: caller.mspId,
    createdAt: now,
    expiresAt: new Date(Date.parse(now) + governance.policy.proposalDurationHours * 3_600_000).toISOString(),
    policy: governance.policy,
    membersAtCreation: memberIds(governance),
    votes: [],
    status: 'IN_PROGRESS',
  };
  await putIndex(ctx, KeyType.ProposalsByTarget, fields.targetMspId, fields.id);
  return write(ctx, proposalKey(ctx, fields.id), proposal, Events.ProposalCreated);
}

/** The members after an executed proposal; refuses changes that no longer make sense. */
function applyProposal(governance: Governance, proposal: Proposal): Governance {
  const target = proposal.targetMspId;
  if (proposal.action === 'INVITE') {
    // Another proposal may have added the org since this one was approved.
    if (isMember(governance, target)) throw conflict(`MSP ${target} is already a member`);
    if (!proposal.org) throw new Error(`invite proposal ${proposal.id} has no org`);
    return { ...governance, members: [...governance.members, { mspId: target, name: proposal.org.name }] };
  }
  if (!isMember(governance, target)) throw conflict(`MSP ${target} is no longer a member`);
  if (governance.members.length === 1) throw conflict(`MSP ${target} is the last member; removing it would leave nobody to govern the channel`);
  return { ...governance, members: governance.members.filter((m) => m.mspId !== target) };
}

function requireMembers(value: unknown): GovernanceMember[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MEMBERS) {
    throw invalid(`members must be a list of 1 to ${MAX_MEMBERS} orgs`);
  }
  const members = value.map((item: unknown, i): GovernanceMember => {
    const member = requireObject(`members[${i}]`, item, ['mspId', 'name']);
    return { mspId: requireMspId(`members[${i}].mspId`, member.mspId), name: requireSlug(`members[${i}].name`, member.name) };
  });
  const ids = members.map((m) => m.mspId);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw invalid(`members lists MSP ${repeated} more than once`);
  return members;
}

function requirePolicy(value: unknown): VotingPolicy {
  const input = requireObject('policy', value, ['thresholdPercentage', 'comparator', 'proposalDurationHours']);
  const policy: VotingPolicy = {
    thresholdPercentage: requireWholeNumber('policy.thresholdPercentage', input.thresholdPercentage, VotingLimit.minThresholdPercentage, VotingLimit.maxThresholdPercentage),
    comparator: requireOneOf('policy.comparator', input.comparator, COMPARATORS),
    proposalDurationHours: requireWholeNumber('policy.proposalDurationHours', input.proposalDurationHours, VotingLimit.minProposalDurationHours, VotingLimit.maxProposalDurationHours),
  };
  if (policy.comparator === 'GREATER_THAN' && policy.thresholdPercentage === VotingLimit.maxThresholdPercentage) {
    throw invalid('policy GREATER_THAN 100% can never pass; use GREATER_THAN_OR_EQUAL_TO 100 for unanimity');
  }
  return policy;
}

function requireInvitedOrg(value: unknown): InvitedOrg {
  const org = requireObject('org', value, ['name', 'mspId', 'caRootCert', 'tlsRootCert']);
  return {
    name: requireSlug('org.name', org.name),
    mspId: requireMspId('org.mspId', org.mspId),
    caRootCert: requireCaCertificate('org.caRootCert', org.caRootCert),
    tlsRootCert: requireCaCertificate('org.tlsRootCert', org.tlsRootCert),
  };
}
