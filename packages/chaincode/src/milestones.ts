// Outcome-based campaigns: money given to them is held, and a milestone's amount becomes
// spendable only once the campaign's validator org confirms it. The contract checks the
// validator's certificate, and Fabric enforces it too: each milestone key carries a key-level
// (state-based) endorsement policy naming the validator org, so a confirmation that the
// validator's peers did not endorse is invalid whatever the NGO's own peers run.
import { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { NGO_MSP } from './access';
import { invalid } from './errors';
import { marshal, unmarshal } from './json';
import { key, KeyType } from './keys';
import { Campaign, Milestone } from './records';
import { requireAmount, requireMspId, requireObject, requireText } from './validation';

export const MAX_MILESTONES = 20;

export interface MilestonePlan {
  readonly amount: string;
  readonly description: string;
}

/**
 * The outcome part of a CreateCampaign request: none at all (a plain campaign), or a validator
 * org other than the NGOs' own and 1 to MAX_MILESTONES milestones whose amounts add up to the goal.
 */
export function requireOutcomes(validator: unknown, milestones: unknown, goal: string): { validatorMspId: string; plans: MilestonePlan[] } {
  if ((validator === undefined || validator === '') && milestones === undefined) return { validatorMspId: '', plans: [] };
  const validatorMspId = requireMspId('validatorMspId', validator);
  if (validatorMspId === NGO_MSP) throw invalid(`validatorMspId must be an org independent of the NGOs, not ${NGO_MSP}`);
  if (!Array.isArray(milestones) || milestones.length === 0 || milestones.length > MAX_MILESTONES) {
    throw invalid(`milestones must be a list of 1 to ${MAX_MILESTONES} entries {amount, description} when a campaign has a validator`);
  }
  const plans = milestones.map((item: unknown, i) => {
    const entry = requireObject(`milestones[${i}]`, item, ['amount', 'description']);
    return { amount: requireAmount(`milestones[${i}].amount`, entry.amount), description: requireText(`milestones[${i}].description`, entry.description, 500) };
  });
  const total = plans.reduce((sum, p) => sum + BigInt(p.amount), 0n);
  if (total !== BigInt(goal)) throw invalid(`the milestones' amounts add up to ${total}, not to the goal of ${goal}`);
  return { validatorMspId, plans };
}

export const milestoneKey = (ctx: Context, campaignId: string, index: number): string =>
  key(ctx.stub, KeyType.Milestone, campaignId, String(index).padStart(2, '0'));

/** Writes a campaign's milestones, each key endorsable only by the validator org from now on. */
export async function createMilestones(ctx: Context, campaign: Campaign, plans: readonly MilestonePlan[]): Promise<void> {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('MEMBER', campaign.validatorMspId);
  for (const [i, plan] of plans.entries()) {
    const milestone: Milestone = {
      docType: 'milestone', campaignId: campaign.id, index: i + 1, amount: plan.amount, description: plan.description,
      status: 'pending', evidenceHash: '', confirmedAt: '', confirmedBy: '',
    };
    const stateKey = milestoneKey(ctx, campaign.id, milestone.index);
    await ctx.stub.putState(stateKey, marshal(milestone));
    await ctx.stub.setStateValidationParameter(stateKey, policy.getPolicy());
  }
}

export async function milestonesOf(ctx: Context, campaignId: string): Promise<Milestone[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(KeyType.Milestone, [campaignId]);
  const milestones: Milestone[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) milestones.push(unmarshal<Milestone>(next.value.value));
  } finally {
    await iterator.close();
  }
  return milestones;
}

/** What the confirmed milestones of a campaign made spendable, and what spends took of it. */
export async function releasedAndSpent(ctx: Context, campaignId: string): Promise<{ released: bigint; spent: bigint; confirmed: number; total: number }> {
  const milestones = await milestonesOf(ctx, campaignId);
  const confirmed = milestones.filter((m) => m.status === 'confirmed');
  const spent = await ctx.stub.getState(key(ctx.stub, KeyType.CampaignSpent, campaignId));
  return {
    released: confirmed.reduce((sum, m) => sum + BigInt(m.amount), 0n),
    spent: spent.length > 0 ? BigInt(Buffer.from(spent).toString('utf8')) : 0n,
    confirmed: confirmed.length,
    total: milestones.length,
  };
}

/** Adds a spend to what an outcome-based campaign has spent of its released money. */
export async function addCampaignSpend(ctx: Context, campaignId: string, spentBefore: bigint, amount: bigint): Promise<void> {
  await ctx.stub.putState(key(ctx.stub, KeyType.CampaignSpent, campaignId), Buffer.from((spentBefore + amount).toString()));
}

/**
 * Splits `held` over donations with `remaining` money each (given oldest first): each gives the
 * same share of what it has left, rounded down, and the minor units rounding left over come from
 * the oldest donations first, one each. No donation gives more than it has.
 */
export function proRata(remaining: readonly bigint[], held: bigint): bigint[] {
  const total = remaining.reduce((sum, r) => sum + r, 0n);
  if (held < 0n || held > total) throw new RangeError(`cannot take ${held} from donations holding ${total}`);
  if (total === 0n) return remaining.map(() => 0n);
  const shares = remaining.map((r) => (r * held) / total);
  let left = held - shares.reduce((sum, s) => sum + s, 0n);
  for (let i = 0; left > 0n && i < shares.length; i++) {
    if ((shares[i] as bigint) < (remaining[i] as bigint)) {
      shares[i] = (shares[i] as bigint) + 1n;
      left--;
    }
  }
  return shares;
}
