// The donation ledger contract: the rules of money. Every transaction is decorated; helpers live
// outside the class so they can never be invoked as transactions. Writes take one JSON request
// object (unknown fields are refused) so that requests can grow without breaking callers.
import { HeldMoneyRefund, MAX_MILESTONES, MAX_SETTLEMENT_BATCH, PLEDGE_LIFETIME_MS, TextLimit } from '@donation-ledger/model';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireDonor, requireNgoAdmin, requireNgoManager, requirePayments, requirePledgerOrPayments, requireStaffOf, requireValidatorOf } from './access';
import { allocateFifo } from './allocation';
import { conflict, ErrorCode, invalid, LedgerError, notFound } from './errors';
import { json, marshal, unmarshal } from './json';
import { GENERAL_POOL, HISTORY_TYPES, key, KeyType } from './keys';
import { addCampaignSpend, createMilestones, milestoneKey, milestonesOf, proRata, releasedAndSpent, requireOutcomes } from './milestones';
import {
  AllocationRecord, Campaign, DONOR_DETAILS_COLLECTION, Donation, DonorDetails, Events, Milestone, Ngo, Page, Rating, Refund, Revision, SettlementBatch, Spend,
} from './records';
import { allEntries, exists, getRecord, historyOf, pageOf, putIndex, putRecord, visitEntries, write } from './store';
import './schemas';
import { txTime } from './time';
import {
  optionalId, parseObject, requireAmount, requireObject, requireBookmark, requireCurrency, requireEmail, requireId, requirePageSize, requireScore,
  requireSha256, requireSlug, requireText, requireTime, requireWholeNumber,
} from './validation';

@Info({ title: 'DonationLedger', description: 'NGOs, campaigns, donations, spends, their allocation, and ratings' })
export class DonationContract extends Contract {
  constructor() {
    super('DonationLedger');
  }

  // ---- NGOs ------------------------------------------------------------------------------

  /** Registers an NGO. Request: {id, name, description?, contact?}. Caller: NGO org admin. */
  @Transaction()
  @Returns('Ngo')
  async RegisterNgo(ctx: Context, request: string): Promise<string> {
    const caller = requireNgoAdmin(ctx, 'register NGOs');
    const input = parseObject('request', request, ['id', 'name', 'description', 'contact']);
    const id = requireId('id', input.id);
    const stateKey = key(ctx.stub, KeyType.Ngo, id);
    if (await exists(ctx, stateKey)) throw new LedgerError(ErrorCode.AlreadyExists, `NGO ${id} already exists`);
    const now = txTime(ctx);
    const ngo: Ngo = {
      docType: 'ngo',
      id,
      name: requireText('name', input.name, TextLimit.name),
      description: requireText('description', input.description, TextLimit.ngoDescription, { optional: true }),
      contact: requireText('contact', input.contact, TextLimit.contact, { optional: true }),
      status: 'active',
      registeredAt: now,
      registeredBy: caller.mspId,
      updatedAt: now,
    };
    return write(ctx, stateKey, ngo, Events.NgoRegistered);
  }

  /** Suspends or reactivates an NGO ("active" | "suspended"). Caller: NGO org admin. */
  @Transaction()
  @Returns('Ngo')
  async SetNgoStatus(ctx: Context, ngoId: string, status: string): Promise<string> {
    requireNgoAdmin(ctx, 'change the status of NGOs');
    const id = requireId('ngoId', ngoId);
    if (status !== 'active' && status !== 'suspended') throw invalid(`status must be "active" or "suspended", got ${JSON.stringify(status)}`);
    const ngo = await getRecord<Ngo>(ctx, KeyType.Ngo, id, 'NGO');
    if (ngo.status === status) throw new LedgerError(ErrorCode.Conflict, `NGO ${id} is already ${status}`);
    const updated: Ngo = { ...ngo, status, updatedAt: txTime(ctx) };
    return write(ctx, key(ctx.stub, KeyType.Ngo, id), updated, Events.NgoStatusChanged);
  }

  @Transaction(false)
  @Returns('Ngo')
  async ReadNgo(ctx: Context, ngoId: string): Promise<string> {
    return json(await getRecord<Ngo>(ctx, KeyType.Ngo, requireId('ngoId', ngoId), 'NGO'));
  }

  @Transaction(false)
  @Returns('NgoPage')
  async ListNgos(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    return json(await pageOf(ctx, KeyType.Ngo, [], requirePageSize(pageSize), requireBookmark(bookmark), (_a, value) => unmarshal<Ngo>(value)));
  }

  // ---- Campaigns -------------------------------------------------------------------------

  /**
   * Opens a campaign of an NGO. Request: {id, ngoId, name, goal, currency, opensAt, closesAt,
   * validatorMspId?, milestones?: [{amount, description}]}. With a validator and milestones
   * (adding up to the goal) the campaign is outcome-based: its money is held, and each
   * milestone's amount becomes spendable when the validator org confirms it.
   * Caller: NGO org admin or staff of that NGO.
   */
  @Transaction()
  @Returns('Campaign')
  async CreateCampaign(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['id', 'ngoId', 'name', 'goal', 'currency', 'opensAt', 'closesAt', 'validatorMspId', 'milestones']);
    const ngoId = requireId('ngoId', input.ngoId);
    requireNgoManager(ctx, ngoId, 'create campaigns');
    const id = requireId('id', input.id);
    const goal = requireAmount('goal', input.goal);
    const outcomes = requireOutcomes(input.validatorMspId, input.milestones, goal);
    const campaign: Campaign = {
      docType: 'campaign',
      id,
      ngoId,
      name: requireText('name', input.name, TextLimit.name),
      goal,
      currency: requireCurrency('currency', input.currency),
      opensAt: requireTime('opensAt', input.opensAt),
      closesAt: requireTime('closesAt', input.closesAt),
      createdAt: txTime(ctx),
      validatorMspId: outcomes.validatorMspId,
      milestoneCount: outcomes.plans.length,
      heldRefundedAt: '',
    };
    if (campaign.closesAt <= campaign.opensAt) throw invalid('closesAt must be later than opensAt');
    await requireActiveNgo(ctx, ngoId, 'open campaigns');
    const stateKey = key(ctx.stub, KeyType.Campaign, id);
    if (await exists(ctx, stateKey)) throw new LedgerError(ErrorCode.AlreadyExists, `campaign ${id} already exists`);
    await putIndex(ctx, KeyType.CampaignsByNgo, ngoId, id);
    await createMilestones(ctx, campaign, outcomes.plans);
    return write(ctx, stateKey, campaign, Events.CampaignCreated);
  }

  /** The milestones of a campaign, in order, with their state. */
  @Transaction(false)
  @Returns('Milestone[]')
  async ListMilestones(ctx: Context, campaignId: string): Promise<string> {
    const id = requireId('campaignId', campaignId);
    await getRecord<Campaign>(ctx, KeyType.Campaign, id, 'campaign');
    return json(await milestonesOf(ctx, id));
  }

  /**
   * Confirms a milestone of an outcome-based campaign, releasing its amount for spends.
   * Request: {campaignId, index, evidenceHash}. Writes only the milestone's key, whose
   * endorsement policy names the validator org. Caller: a validator or admin of that org.
   */
  @Transaction()
  @Returns('Milestone')
  async ConfirmMilestone(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['campaignId', 'index', 'evidenceHash']);
    const campaignId = requireId('campaignId', input.campaignId);
    const index = requireWholeNumber('index', input.index, 1, MAX_MILESTONES);
    const evidenceHash = requireSha256('evidenceHash', input.evidenceHash);
    if (!evidenceHash) throw invalid('evidenceHash must be the SHA-256 of the evidence the validator saw');
    const campaign = await getRecord<Campaign>(ctx, KeyType.Campaign, campaignId, 'campaign');
    if (!campaign.validatorMspId) throw invalid(`campaign ${campaignId} has no milestones: its money is spendable once settled`);
    const caller = requireValidatorOf(ctx, campaign.validatorMspId, `confirm milestones of campaign ${campaignId}`);
    if (campaign.heldRefundedAt) throw conflict(`campaign ${campaignId} closed with milestones unmet and its held money was refunded at ${campaign.heldRefundedAt}`);
    const stateKey = milestoneKey(ctx, campaignId, index);
    const bytes = await ctx.stub.getState(stateKey);
    if (bytes.length === 0) throw notFound(`milestone ${index} of campaign`, campaignId);
    const milestone = unmarshal<Milestone>(bytes);
    if (milestone.status === 'confirmed') throw conflict(`milestone ${index} of campaign ${campaignId} was confirmed at ${milestone.confirmedAt}`);
    const confirmed: Milestone = { ...milestone, status: 'confirmed', evidenceHash, confirmedAt: txTime(ctx), confirmedBy: caller.mspId };
    return write(ctx, stateKey, confirmed, Events.MilestoneConfirmed);
  }

  /**
   * After an outcome-based campaign closed with milestones unmet, gives the money its unmet
   * milestones held back to its donors: each donation gives the same share of what it has left,
   * and the minor units of rounding come from the oldest first. What confirmed milestones
   * released stays with the NGO. Request: {campaignId, paymentRef}. Caller: the payment service.
   */
  @Transaction()
  @Returns('HeldMoneyRefund')
  async RefundHeldMoney(ctx: Context, request: string): Promise<string> {
    requirePayments(ctx, 'refund the held money of campaigns');
    const input = parseObject('request', request, ['campaignId', 'paymentRef']);
    const campaignId = requireId('campaignId', input.campaignId);
    const paymentRef = requireText('paymentRef', input.paymentRef, TextLimit.paymentRef);
    const campaign = await getRecord<Campaign>(ctx, KeyType.Campaign, campaignId, 'campaign');
    if (!campaign.validatorMspId) throw invalid(`campaign ${campaignId} has no milestones: nothing of it is held`);
    const now = txTime(ctx);
    if (now < campaign.closesAt) throw conflict(`campaign ${campaignId} is open until ${campaign.closesAt}; its milestones may still be met`);
    if (campaign.heldRefundedAt) throw conflict(`the held money of campaign ${campaignId} was refunded at ${campaign.heldRefundedAt}`);
    const { released, spent, confirmed, total } = await releasedAndSpent(ctx, campaignId);
    if (confirmed === total) throw conflict(`every milestone of campaign ${campaignId} was met: nothing is held`);
    const donations = (await unspentCovering(ctx, campaign.ngoId, campaignId, campaign.currency, null)).donations;
    const left = donations.reduce((sum, d) => sum + BigInt(d.remaining), 0n);
    const stillSpendable = released - spent;
    const held = left > stillSpendable ? left - stillSpendable : 0n;
    const shares = proRata(donations.map((d) => BigInt(d.remaining)), held);
    const refunds: Refund[] = [];
    for (const [i, donation] of donations.entries()) {
      const amount = shares[i] ?? 0n;
      if (amount === 0n) continue;
      await takeFrom(ctx, donation, amount, { refund: true });
      const refund: Refund = {
        docType: 'refund', donationId: donation.id, amount: amount.toString(), currency: donation.currency, paymentRef,
        reason: `campaign ${campaignId} closed with ${total - confirmed} of ${total} milestones unmet`, refundedAt: now, txId: ctx.stub.getTxID(),
      };
      await putRecord(ctx, key(ctx.stub, KeyType.Refund, donation.id, ctx.stub.getTxID()), refund);
      refunds.push(refund);
    }
    await putRecord(ctx, key(ctx.stub, KeyType.Campaign, campaignId), { ...campaign, heldRefundedAt: now });
    const outcome: HeldMoneyRefund = { campaignId, held: held.toString(), currency: campaign.currency, refunds };
    ctx.stub.setEvent(Events.HeldMoneyRefunded, marshal(outcome));
    return json(outcome);
  }

  @Transaction(false)
  @Returns('Campaign')
  async ReadCampaign(ctx: Context, campaignId: string): Promise<string> {
    return json(await getRecord<Campaign>(ctx, KeyType.Campaign, requireId('campaignId', campaignId), 'campaign'));
  }

  @Transaction(false)
  @Returns('CampaignPage')
  async ListCampaignsByNgo(ctx: Context, ngoId: string, pageSize: string, bookmark: string): Promise<string> {
    return json(await listIndexed<Campaign>(ctx, KeyType.CampaignsByNgo, [requireId('ngoId', ngoId)], pageSize, bookmark, KeyType.Campaign, 'campaign'));
  }

  // ---- Donations -------------------------------------------------------------------------

  /**
   * Records a pledge from the caller. Request: {id, ngoId, campaignId?, amount, currency}.
   * A pledge is not money yet: it counts for nothing until the payment service settles it
   * (SettleDonations), and it can be cancelled meanwhile. The id is chosen by the client, so a
   * retried request cannot pledge twice (ALREADY_EXISTS). Writes only keys of this donation (the
   * record and three index entries): concurrent donations to one NGO never conflict.
   */
  @Transaction()
  @Returns('Donation')
  async Donate(ctx: Context, request: string): Promise<string> {
    const donor = requireDonor(ctx, 'donate');
    const input = parseObject('request', request, ['id', 'ngoId', 'campaignId', 'amount', 'currency']);
    const id = requireId('id', input.id);
    const ngoId = requireId('ngoId', input.ngoId);
    const campaignId = optionalId('campaignId', input.campaignId);
    const amount = requireAmount('amount', input.amount);
    const currency = requireCurrency('currency', input.currency);
    await requireActiveNgo(ctx, ngoId, 'receive donations');
    const now = txTime(ctx);
    if (campaignId) {
      const campaign = await requireCampaignOf(ctx, campaignId, ngoId);
      if (campaign.currency !== currency) throw invalid(`campaign ${campaignId} collects ${campaign.currency}, not ${currency}`);
      if (now < campaign.opensAt) throw new LedgerError(ErrorCode.Conflict, `campaign ${campaignId} opens at ${campaign.opensAt}`);
      if (now >= campaign.closesAt) throw new LedgerError(ErrorCode.Conflict, `campaign ${campaignId} closed at ${campaign.closesAt}`);
    }
    const stateKey = key(ctx.stub, KeyType.Donation, id);
    if (await exists(ctx, stateKey)) throw new LedgerError(ErrorCode.AlreadyExists, `donation ${id} already exists`);
    const donation: Donation = {
      docType: 'donation', id, ngoId, campaignId, amount, currency, status: 'pledged', remaining: '0', refunded: '0', donor,
      donatedAt: now, expiresAt: new Date(Date.parse(now) + PLEDGE_LIFETIME_MS).toISOString(),
      settledAt: '', settlementBatchId: '', paymentRef: '', cancelledAt: '', txId: ctx.stub.getTxID(),
    };
    await putIndex(ctx, KeyType.DonationsByNgo, ngoId, id);
    if (campaignId) await putIndex(ctx, KeyType.DonationsByCampaign, campaignId, id);
    await putIndex(ctx, KeyType.DonorNgos, donor.key, ngoId, id);
    return write(ctx, stateKey, donation, Events.DonationRecorded);
  }

  /**
   * Settles pledges whose money has arrived, in one batch. Request: {batchId, settlements:
   * [{donationId, paymentRef}]} with 1 to MAX_SETTLEMENT_BATCH entries. Each donation becomes
   * money (all of it unspent) and keeps its own record and history. The batch is refused whole
   * when one entry names an unknown donation, one not pledged any more, or an expired pledge.
   * (Donors and the payment service are both of the donor platform org, so a batch cannot name
   * another org's pledge.) Sending the same batch again returns it and writes nothing;
   * another batch under a used ID is ALREADY_EXISTS. Caller: the donor platform's payment service.
   */
  @Transaction()
  @Returns('SettlementBatch')
  async SettleDonations(ctx: Context, request: string): Promise<string> {
    const caller = requirePayments(ctx, 'settle donations');
    const input = parseObject('request', request, ['batchId', 'settlements']);
    const batchId = requireId('batchId', input.batchId);
    const entries = requireSettlements(input.settlements);
    const batchKey = key(ctx.stub, KeyType.Settlement, batchId);
    const earlier = await ctx.stub.getState(batchKey);
    if (earlier.length > 0) return json(sameBatchAgain(unmarshal<SettlementBatch>(earlier), entries));
    const now = txTime(ctx);
    const refused = (code: ErrorCode, detail: string): LedgerError => new LedgerError(code, `settlement batch ${batchId} is refused whole: ${detail}`);
    const donations: Donation[] = [];
    for (const entry of entries) {
      const bytes = await ctx.stub.getState(key(ctx.stub, KeyType.Donation, entry.donationId));
      if (bytes.length === 0) throw refused(ErrorCode.NotFound, `donation ${entry.donationId} does not exist`);
      const donation = unmarshal<Donation>(bytes);
      if (donation.status !== 'pledged') {
        const by = donation.settlementBatchId ? ` by batch ${donation.settlementBatchId}` : '';
        throw refused(ErrorCode.Conflict, `donation ${donation.id} is ${donation.status}${by}, not pledged`);
      }
      if (now > donation.expiresAt) throw refused(ErrorCode.Expired, `the pledge ${donation.id} expired at ${donation.expiresAt}`);
      donations.push(donation);
    }
    const settlements = entries.map((entry, i) => {
      const donation = donations[i] as Donation;
      return { donationId: donation.id, paymentRef: entry.paymentRef, amount: donation.amount, currency: donation.currency };
    });
    for (const [i, donation] of donations.entries()) {
      const settled: Donation = {
        ...donation, status: 'settled', remaining: donation.amount, settledAt: now, settlementBatchId: batchId, paymentRef: entries[i]?.paymentRef ?? '',
      };
      await putRecord(ctx, key(ctx.stub, KeyType.Donation, donation.id), settled);
      await putIndex(ctx, KeyType.Unspent, ...unspentAttributes(settled));
    }
    const batch: SettlementBatch = { docType: 'settlement', id: batchId, settledAt: now, settledBy: caller.mspId, settlements, txId: ctx.stub.getTxID() };
    return write(ctx, batchKey, batch, Events.DonationsSettled);
  }

  @Transaction(false)
  @Returns('SettlementBatch')
  async ReadSettlement(ctx: Context, batchId: string): Promise<string> {
    return json(await getRecord<SettlementBatch>(ctx, KeyType.Settlement, requireId('batchId', batchId), 'settlement batch'));
  }

  /** The refunds of a donation (in the order of their transaction IDs, not of time). */
  @Transaction(false)
  @Returns('RefundPage')
  async ListRefundsByDonation(ctx: Context, donationId: string, pageSize: string, bookmark: string): Promise<string> {
    const id = requireId('donationId', donationId);
    return json(await pageOf(ctx, KeyType.Refund, [id], requirePageSize(pageSize), requireBookmark(bookmark), (_a, value) => unmarshal<Refund>(value)));
  }

  /** Cancels a pledge that was not settled. Caller: the donor who pledged, or the payment service. */
  @Transaction()
  @Returns('Donation')
  async CancelPledge(ctx: Context, donationId: string): Promise<string> {
    const id = requireId('donationId', donationId);
    const donation = await getRecord<Donation>(ctx, KeyType.Donation, id, 'donation');
    requirePledgerOrPayments(ctx, donation.donor, `cancel pledge ${id}`);
    if (donation.status !== 'pledged') throw conflict(`donation ${id} is ${donation.status}; only a pledge can be cancelled`);
    const cancelled: Donation = { ...donation, status: 'cancelled', cancelledAt: txTime(ctx) };
    return write(ctx, key(ctx.stub, KeyType.Donation, id), cancelled, Events.DonationCancelled);
  }

  /**
   * Gives back settled money not yet spent. Request: {donationId, amount?, paymentRef, reason?};
   * without an amount, all that is left. A refund is a record of its own; the donation keeps
   * what is left and becomes `refunded` when nothing is. Caller: the payment service (it moves
   * the money back).
   */
  @Transaction()
  @Returns('Refund')
  async RefundDonation(ctx: Context, request: string): Promise<string> {
    requirePayments(ctx, 'refund donations');
    const input = parseObject('request', request, ['donationId', 'amount', 'paymentRef', 'reason']);
    const id = requireId('donationId', input.donationId);
    const paymentRef = requireText('paymentRef', input.paymentRef, TextLimit.paymentRef);
    const reason = requireText('reason', input.reason, TextLimit.refundReason, { optional: true });
    const wanted = input.amount === undefined ? undefined : BigInt(requireAmount('amount', input.amount));
    const donation = await getRecord<Donation>(ctx, KeyType.Donation, id, 'donation');
    if (donation.status !== 'settled') throw conflict(`donation ${id} is ${donation.status}; only settled money can be refunded`);
    const left = BigInt(donation.remaining);
    const amount = wanted ?? left;
    if (amount === 0n) throw conflict(`donation ${id} has nothing left to refund: all of it paid for spends`);
    if (amount > left) throw new LedgerError(ErrorCode.InsufficientFunds, `donation ${id} has ${left} ${donation.currency} unspent, less than the refund of ${amount}`);
    await takeFrom(ctx, donation, amount, { refund: true });
    const refund: Refund = {
      docType: 'refund', donationId: id, amount: amount.toString(), currency: donation.currency, paymentRef, reason, refundedAt: txTime(ctx), txId: ctx.stub.getTxID(),
    };
    return write(ctx, key(ctx.stub, KeyType.Refund, id, ctx.stub.getTxID()), refund, Events.DonationRefunded);
  }

  @Transaction(false)
  @Returns('Donation')
  async ReadDonation(ctx: Context, donationId: string): Promise<string> {
    return json(await getRecord<Donation>(ctx, KeyType.Donation, requireId('donationId', donationId), 'donation'));
  }

  @Transaction(false)
  @Returns('DonationPage')
  async ListDonationsByNgo(ctx: Context, ngoId: string, pageSize: string, bookmark: string): Promise<string> {
    return json(await listIndexed<Donation>(ctx, KeyType.DonationsByNgo, [requireId('ngoId', ngoId)], pageSize, bookmark, KeyType.Donation, 'donation'));
  }

  @Transaction(false)
  @Returns('DonationPage')
  async ListDonationsByCampaign(ctx: Context, campaignId: string, pageSize: string, bookmark: string): Promise<string> {
    const id = requireId('campaignId', campaignId);
    return json(await listIndexed<Donation>(ctx, KeyType.DonationsByCampaign, [id], pageSize, bookmark, KeyType.Donation, 'donation'));
  }

  /** The caller's own donations. Caller: a donor. */
  @Transaction(false)
  @Returns('DonationPage')
  async ListMyDonations(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const donor = requireDonor(ctx, 'list their donations');
    return json(await listIndexed<Donation>(ctx, KeyType.DonorNgos, [donor.key], pageSize, bookmark, KeyType.Donation, 'donation'));
  }

  // ---- Spends and their allocation -------------------------------------------------------

  /**
   * Records a spend of an NGO and allocates it to the donations that pay for it, oldest first.
   * Request: {id, ngoId, campaignId?, amount, currency, description, category, receiptHash?}.
   * A spend against a campaign uses only that campaign's donations; any other spend uses only
   * donations not earmarked to a campaign. Caller: staff of that NGO.
   */
  @Transaction()
  @Returns('Spend')
  async RecordSpend(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['id', 'ngoId', 'campaignId', 'amount', 'currency', 'description', 'category', 'receiptHash']);
    const ngoId = requireId('ngoId', input.ngoId);
    const caller = requireStaffOf(ctx, ngoId, 'record its spends');
    const id = requireId('id', input.id);
    const campaignId = optionalId('campaignId', input.campaignId);
    const amount = requireAmount('amount', input.amount);
    const currency = requireCurrency('currency', input.currency);
    const description = requireText('description', input.description, TextLimit.spendDescription);
    const category = requireSlug('category', input.category);
    const receiptHash = requireSha256('receiptHash', input.receiptHash);
    await requireActiveNgo(ctx, ngoId, 'record spends');
    const campaign = campaignId ? await requireCampaignOf(ctx, campaignId, ngoId) : undefined;
    const held = campaign?.validatorMspId ? await releasedAndSpent(ctx, campaign.id) : undefined;
    if (held && held.spent + BigInt(amount) > held.released) {
      throw new LedgerError(ErrorCode.InsufficientFunds, `campaign ${campaignId} holds its money until milestones are confirmed: ` +
        `${held.confirmed} of ${held.total} confirmed released ${held.released} ${currency}, of which ${held.spent} is spent, less than the spend of ${amount}`);
    }
    const stateKey = key(ctx.stub, KeyType.Spend, id);
    if (await exists(ctx, stateKey)) throw new LedgerError(ErrorCode.AlreadyExists, `spend ${id} already exists`);

    const pool = campaignId || GENERAL_POOL;
    const { donations, available } = await unspentCovering(ctx, ngoId, pool, currency, BigInt(amount));
    const pieces = allocateFifo(donations.map((d) => ({ id: d.id, remaining: BigInt(d.remaining) })), BigInt(amount));
    if (!pieces) {
      const where = campaignId ? `campaign ${campaignId}` : `NGO ${ngoId} (outside campaigns)`;
      throw new LedgerError(ErrorCode.InsufficientFunds, `${where} has ${available} ${currency} of settled money unspent, less than the spend of ${amount}`);
    }
    const byId = new Map(donations.map((d) => [d.id, d]));
    for (const piece of pieces) {
      const donation = byId.get(piece.donationId);
      if (!donation) throw new Error(`allocation named unknown donation ${piece.donationId}`);
      await takeFrom(ctx, donation, piece.amount, { refund: false });
      const allocation: AllocationRecord = {
        docType: 'allocation', spendId: id, donationId: donation.id, ngoId, amount: piece.amount.toString(), currency,
      };
      await putRecord(ctx, key(ctx.stub, KeyType.Allocation, id, donation.id), allocation);
      await putIndex(ctx, KeyType.AllocationsByDonation, donation.id, id);
    }
    if (held && campaign) await addCampaignSpend(ctx, campaign.id, held.spent, BigInt(amount));
    const spend: Spend = {
      docType: 'spend', id, ngoId, campaignId, amount, currency, description, category, receiptHash,
      recordedAt: txTime(ctx), recordedBy: caller.id, txId: ctx.stub.getTxID(),
      allocations: pieces.map((p) => ({ donationId: p.donationId, amount: p.amount.toString() })),
    };
    await putIndex(ctx, KeyType.SpendsByNgo, ngoId, id);
    return write(ctx, stateKey, spend, Events.SpendRecorded);
  }

  @Transaction(false)
  @Returns('Spend')
  async ReadSpend(ctx: Context, spendId: string): Promise<string> {
    return json(await getRecord<Spend>(ctx, KeyType.Spend, requireId('spendId', spendId), 'spend'));
  }

  @Transaction(false)
  @Returns('SpendPage')
  async ListSpendsByNgo(ctx: Context, ngoId: string, pageSize: string, bookmark: string): Promise<string> {
    return json(await listIndexed<Spend>(ctx, KeyType.SpendsByNgo, [requireId('ngoId', ngoId)], pageSize, bookmark, KeyType.Spend, 'spend'));
  }

  /** Where a donation went: each spend it paid for, with the amount it paid. */
  @Transaction(false)
  @Returns('AllocationPage')
  async ListAllocationsByDonation(ctx: Context, donationId: string, pageSize: string, bookmark: string): Promise<string> {
    const id = requireId('donationId', donationId);
    await getRecord<Donation>(ctx, KeyType.Donation, id, 'donation');
    const page = await pageOf(ctx, KeyType.AllocationsByDonation, [id], requirePageSize(pageSize), requireBookmark(bookmark), async ([, spendId = '']) => {
      const allocation = unmarshal<AllocationRecord>(await ctx.stub.getState(key(ctx.stub, KeyType.Allocation, spendId, id)));
      return { ...allocation, spend: await getRecord<Spend>(ctx, KeyType.Spend, spendId, 'spend') };
    });
    return json(page);
  }

  /** The unspent money of an NGO by pool (campaign ID, or "-" outside campaigns) and currency. */
  @Transaction(false)
  @Returns('Balance')
  async ReadBalance(ctx: Context, ngoId: string): Promise<string> {
    const id = requireId('ngoId', ngoId);
    await getRecord<Ngo>(ctx, KeyType.Ngo, id, 'NGO');
    const totals = new Map<string, bigint>();
    for (const entry of await allEntries(ctx, KeyType.Unspent, [id])) {
      const [, pool, currency, , donationId] = entry.attributes;
      const donation = await getRecord<Donation>(ctx, KeyType.Donation, donationId ?? '', 'donation');
      const bucket = `${pool ?? ''}|${currency ?? ''}`;
      totals.set(bucket, (totals.get(bucket) ?? 0n) + BigInt(donation.remaining));
    }
    const balances = [...totals].map(([bucket, total]) => {
      const [pool, currency] = bucket.split('|');
      return { campaignId: pool === GENERAL_POOL ? '' : pool, currency, unspent: total.toString() };
    });
    return json({ ngoId: id, balances });
  }

  // ---- Ratings ---------------------------------------------------------------------------

  /** Rates an NGO from 1 to 5; a donor may rate only NGOs they gave to, once, and may change it. */
  @Transaction()
  @Returns('Rating')
  async RateNgo(ctx: Context, ngoId: string, score: string): Promise<string> {
    const donor = requireDonor(ctx, 'rate NGOs');
    const id = requireId('ngoId', ngoId);
    const value = requireScore(score);
    await getRecord<Ngo>(ctx, KeyType.Ngo, id, 'NGO');
    if (!(await hasGivenMoney(ctx, donor.key, id))) {
      throw new LedgerError(ErrorCode.Forbidden, `only donors of NGO ${id} may rate it, and no settled donation of the caller to it exists`);
    }
    const rating: Rating = { docType: 'rating', ngoId: id, donorKey: donor.key, score: value, ratedAt: txTime(ctx) };
    return write(ctx, key(ctx.stub, KeyType.Rating, id, donor.key), rating, Events.NgoRated);
  }

  @Transaction(false)
  @Returns('RatingPage')
  async ListRatingsByNgo(ctx: Context, ngoId: string, pageSize: string, bookmark: string): Promise<string> {
    const id = requireId('ngoId', ngoId);
    return json(await pageOf(ctx, KeyType.Rating, [id], requirePageSize(pageSize), requireBookmark(bookmark), (_a, value) => unmarshal<Rating>(value)));
  }

  // ---- Donor personal details (private data) ---------------------------------------------

  /**
   * Stores the caller's name and email, passed as transient data "details" = {name, email}, in
   * the donor platform's private collection: the channel only sees their hash.
   */
  @Transaction()
  @Returns('DonorDetailsUpdated')
  async SetMyDetails(ctx: Context): Promise<string> {
    const donor = requireDonor(ctx, 'store their details');
    const transient = ctx.stub.getTransient().get('details');
    if (!transient) throw invalid('the details must be passed as transient data under the key "details"');
    const input = parseObject('details', Buffer.from(transient).toString('utf8'), ['name', 'email']);
    const details: DonorDetails = {
      donorKey: donor.key,
      name: requireText('name', input.name, TextLimit.name),
      email: requireEmail('email', input.email),
      updatedAt: txTime(ctx),
    };
    await ctx.stub.putPrivateData(DONOR_DETAILS_COLLECTION, donor.key, marshal(details));
    ctx.stub.setEvent(Events.DonorDetailsUpdated, marshal({ donorKey: donor.key, updatedAt: details.updatedAt }));
    return json({ donorKey: donor.key, updatedAt: details.updatedAt });
  }

  /** The caller's own details; only peers of the donor platform org hold them. */
  @Transaction(false)
  @Returns('DonorDetails')
  async ReadMyDetails(ctx: Context): Promise<string> {
    const donor = requireDonor(ctx, 'read their details');
    const bytes = await ctx.stub.getPrivateData(DONOR_DETAILS_COLLECTION, donor.key);
    if (bytes.length === 0) throw notFound('details of donor', donor.key);
    return json(unmarshal<DonorDetails>(bytes));
  }

  // ---- History ---------------------------------------------------------------------------

  /** Every revision of a record (type: ngo, campaign, donation, spend, proposal), oldest first. */
  @Transaction(false)
  @Returns('Revision[]')
  async GetHistory(ctx: Context, recordType: string, id: string): Promise<string> {
    const type = HISTORY_TYPES[recordType];
    if (!type) throw invalid(`recordType must be one of ${Object.keys(HISTORY_TYPES).join(', ')}, got ${JSON.stringify(recordType)}`);
    const stateKey = key(ctx.stub, type, requireId('id', id));
    const revisions: Revision[] = await historyOf(ctx, stateKey);
    if (revisions.length === 0) throw notFound(recordType, id);
    return json(revisions);
  }
}

// ---- Helpers (not transactions) ----------------------------------------------------------

/** A page of records found through an index whose last key attribute is the record's ID. */
async function listIndexed<T>(
  ctx: Context, index: string, attributes: string[], pageSize: string, bookmark: string, recordType: string, what: string,
): Promise<Page<T>> {
  return pageOf(ctx, index, attributes, requirePageSize(pageSize), requireBookmark(bookmark), (attrs) =>
    getRecord<T>(ctx, recordType, attrs[attrs.length - 1] ?? '', what),
  );
}

async function requireActiveNgo(ctx: Context, ngoId: string, action: string): Promise<Ngo> {
  const ngo = await getRecord<Ngo>(ctx, KeyType.Ngo, ngoId, 'NGO');
  if (ngo.status !== 'active') throw new LedgerError(ErrorCode.Conflict, `NGO ${ngoId} is ${ngo.status} and cannot ${action}`);
  return ngo;
}

async function requireCampaignOf(ctx: Context, campaignId: string, ngoId: string): Promise<Campaign> {
  const campaign = await getRecord<Campaign>(ctx, KeyType.Campaign, campaignId, 'campaign');
  if (campaign.ngoId !== ngoId) throw invalid(`campaign ${campaignId} belongs to NGO ${campaign.ngoId}, not ${ngoId}`);
  return campaign;
}

/** Whether a donor's money reached an NGO: a settled donation not refunded in full (pledges do not count). Stops at the first. */
async function hasGivenMoney(ctx: Context, donorKey: string, ngoId: string): Promise<boolean> {
  let given = false;
  await visitEntries(ctx, KeyType.DonorNgos, [donorKey, ngoId], async ({ attributes }) => {
    const donation = await getRecord<Donation>(ctx, KeyType.Donation, attributes[2] ?? '', 'donation');
    given = donation.settledAt !== '' && BigInt(donation.amount) > BigInt(donation.refunded);
    return !given;
  });
  return given;
}

/** Index attributes that order settled money oldest settlement first within its NGO, pool and currency. */
function unspentAttributes(d: Donation): string[] {
  return [d.ngoId, d.campaignId || GENERAL_POOL, d.currency, d.settledAt, d.id];
}

/**
 * The oldest settled donations of a pool that together cover `amount`, read one at a time and no
 * further: the range the spend read ends at its last donation, so money settled into the pool
 * meanwhile (later keys) does not conflict with it, and its cost does not grow with the pool.
 * When the pool holds too little, every donation is read and `available` says how much there is;
 * so is every donation when `amount` is null.
 */
async function unspentCovering(ctx: Context, ngoId: string, pool: string, currency: string, amount: bigint | null): Promise<{ donations: Donation[]; available: bigint }> {
  const donations: Donation[] = [];
  let available = 0n;
  if (amount !== null && amount <= 0n) return { donations, available };
  await visitEntries(ctx, KeyType.Unspent, [ngoId, pool, currency], async ({ attributes }) => {
    const donation = await getRecord<Donation>(ctx, KeyType.Donation, attributes[4] ?? '', 'donation');
    donations.push(donation);
    available += BigInt(donation.remaining);
    return amount === null || available < amount;
  });
  return { donations, available };
}

/** Takes `amount` from what is left of a donation (for a spend or a refund); with nothing left it leaves the unspent index. */
async function takeFrom(ctx: Context, donation: Donation, amount: bigint, how: { refund: boolean }): Promise<void> {
  const remaining = BigInt(donation.remaining) - amount;
  if (remaining < 0n) throw new Error(`taking ${amount} would take donation ${donation.id} below zero`);
  const refunded = BigInt(donation.refunded) + (how.refund ? amount : 0n);
  const status = remaining === 0n && how.refund ? 'refunded' : donation.status;
  await putRecord(ctx, key(ctx.stub, KeyType.Donation, donation.id), { ...donation, status, remaining: remaining.toString(), refunded: refunded.toString() });
  if (remaining === 0n) await ctx.stub.deleteState(key(ctx.stub, KeyType.Unspent, ...unspentAttributes(donation)));
}

/** The entries of a settlement batch: 1 to MAX_SETTLEMENT_BATCH, each donation once. */
function requireSettlements(value: unknown): { donationId: string; paymentRef: string }[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SETTLEMENT_BATCH) {
    throw invalid(`settlements must be a list of 1 to ${MAX_SETTLEMENT_BATCH} entries {donationId, paymentRef}`);
  }
  const seen = new Set<string>();
  return value.map((item: unknown, i) => {
    const entry = requireObject(`settlements[${i}]`, item, ['donationId', 'paymentRef']);
    const donationId = requireId(`settlements[${i}].donationId`, entry.donationId);
    if (seen.has(donationId)) throw invalid(`settlements names donation ${donationId} twice`);
    seen.add(donationId);
    return { donationId, paymentRef: requireText(`settlements[${i}].paymentRef`, entry.paymentRef, TextLimit.paymentRef) };
  });
}

/** A batch sent again: the same entries return the first answer; others under its ID are refused. */
function sameBatchAgain(batch: SettlementBatch, entries: readonly { donationId: string; paymentRef: string }[]): SettlementBatch {
  const same = batch.settlements.length === entries.length
    && batch.settlements.every((s, i) => s.donationId === entries[i]?.donationId && s.paymentRef === entries[i]?.paymentRef);
  if (!same) throw new LedgerError(ErrorCode.AlreadyExists, `settlement batch ${batch.id} already exists with other entries`);
  return batch;
}
