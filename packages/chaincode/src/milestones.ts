// Outcome-based campaigns: money given to them is held, and a milestone's amount becomes
// spendable only once the campaign's validator org confirms it. The contract checks the
// validator's certificate, and Fabric enforces it too: each milestone key carries a key-level
// (state-based) endorsement policy naming the validator org, so a confirmation that the
// validator's peers did not endorse is invalid whatever the NGO's own peers run.
import { MAX_MILESTONES, NGO_MSP, TextLimit } from '@donation-ledger/model';
import { Context } from 'fabric-contract-api';
import { invalid } from './errors';
import { marshal, unmarshal } from './json';
import { allEntries } from './store';
import { key, KeyType } from './keys';
import { Campaign, Milestone } from './records';
import { requireAmount, requireMspId, requireObject, requireText } from './validation';

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
    return { amount: requireAmount(`milestones[${i}].amount`, entry.amount), description: requireText(`milestones[${i}].description`, entry.description, TextLimit.milestoneDescription) };
  });
  const total = plans.reduce((sum, p) => sum + BigInt(p.amount), 0n);
  if (total !== BigInt(goal)) throw invalid(`the milestones' amounts add up to ${total}, not to the goal of ${goal}`);
  return { validatorMspId, plans };
}

export const milestoneKey = (ctx: Context, campaignId: string, index: number): string =>
  key(ctx.stub, KeyType.Milestone, campaignId, String(index).padStart(2, '0'));

/**
 * The key-level endorsement policy "a member of `mspId` endorses", as the bytes of a Fabric
 * SignaturePolicyEnvelope {rule: 1-out-of [signed_by 0], identities: [MSPPrincipal ROLE
 * {mspId, MEMBER}]}, what fabric-shim's KeyEndorsementPolicy builds. Written out here because
 * loading fabric-shim's own protobuf classes next to the SDK's newer ones in one process lets
 * one overwrite the other (google-protobuf registers classes on a global), which broke the SDK.
 */
export function memberPolicyOf(mspId: string): Uint8Array {
  const field = (number: number, bytes: Buffer): Buffer => Buffer.concat([Buffer.from([(number << 3) | 2]), varint(bytes.length), bytes]);
  const mspRole = field(1, Buffer.from(mspId, 'utf8')); // role MEMBER (0) is the default
  const principal = field(2, mspRole); // principal_classification ROLE (0) is the default
  const signedByFirst = Buffer.from([0x08, 0x00]); // signed_by 0: in a oneof, so written even when 0
  const oneOutOf = Buffer.concat([Buffer.from([0x08, 0x01]), field(2, signedByFirst)]); // n = 1, rules
  const rule = field(2, oneOutOf); // SignaturePolicy.n_out_of
  return new Uint8Array(Buffer.concat([field(2, rule), field(3, principal)])); // version 0 is the default
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** Writes a campaign's milestones, each key endorsable only by the validator org from now on. */
export async function createMilestones(ctx: Context, campaign: Campaign, plans: readonly MilestonePlan[]): Promise<void> {
  const policy = memberPolicyOf(campaign.validatorMspId);
  for (const [i, plan] of plans.entries()) {
    const milestone: Milestone = {
      docType: 'milestone', campaignId: campaign.id, index: i + 1, amount: plan.amount, description: plan.description,
      status: 'pending', evidenceHash: '', confirmedAt: '', confirmedBy: '',
    };
    const stateKey = milestoneKey(ctx, campaign.id, milestone.index);
    await ctx.stub.putState(stateKey, marshal(milestone));
    await ctx.stub.setStateValidationParameter(stateKey, policy);
  }
}

export async function milestonesOf(ctx: Context, campaignId: string): Promise<Milestone[]> {
  return (await allEntries(ctx, KeyType.Milestone, [campaignId])).map((entry) => unmarshal<Milestone>(entry.value));
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
