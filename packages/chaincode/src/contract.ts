// The donation ledger contract: the rules of money. Every transaction is decorated; helpers live
// outside the class so they can never be invoked as transactions. Writes take one JSON request
// object (unknown fields are refused) so that requests can grow without breaking callers.
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireDonor, requireNgoAdmin, requireNgoManager, requireStaffOf } from './access';
import { allocateFifo } from './allocation';
import { ErrorCode, invalid, LedgerError, notFound } from './errors';
import { json, marshal, unmarshal } from './json';
import { GENERAL_POOL, HISTORY_TYPES, key, KeyType } from './keys';
import {
  AllocationRecord, Campaign, DONOR_DETAILS_COLLECTION, Donation, DonorDetails, Events, Ngo, Page, Rating, Revision, Spend,
} from './records';
import { allEntries, exists, getRecord, historyOf, pageOf, putIndex, putRecord, write } from './store';
import { txTime } from './time';
import {
  optionalId, parseObject, requireAmount, requireBookmark, requireCurrency, requireEmail, requireId, requirePageSize, requireScore,
  requireSha256, requireSlug, requireText, requireTime,
} from './validation';

@Info({ title: 'DonationLedger', description: 'NGOs, campaigns, donations, spends, their allocation, and ratings' })
export class DonationContract extends Contract {
  constructor() {
    super('DonationLedger');
  }

  // ---- NGOs ------------------------------------------------------------------------------

  /** Registers an NGO. Request: {id, name, description?, contact?}. Caller: NGO org admin. */
  @Transaction()
  @Returns('string')
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
      name: requireText('name', input.name, 200),
      description: requireText('description', input.description, 2000, { optional: true }),
      contact: requireText('contact', input.contact, 200, { optional: true }),
      status: 'active',
      registeredAt: now,
      registeredBy: caller.mspId,
      updatedAt: now,
    };
    return write(ctx, stateKey, ngo, Events.NgoRegistered);
  }

  /** Suspends or reactivates an NGO ("active" | "suspended"). Caller: NGO org admin. */
  @Transaction()
  @Returns('string')
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
  @Returns('string')
  async ReadNgo(ctx: Context, ngoId: string): Promise<string> {
    return json(await getRecord<Ngo>(ctx, KeyType.Ngo, requireId('ngoId', ngoId), 'NGO'));
  }

  @Transaction(false)
  @Returns('string')
  async ListNgos(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    return json(await pageOf(ctx, KeyType.Ngo, [], requirePageSize(pageSize), requireBookmark(bookmark), (_a, value) => unmarshal<Ngo>(value)));
  }

  // ---- Campaigns -------------------------------------------------------------------------

  /**
   * Opens a campaign of an NGO. Request: {id, ngoId, name, goal, currency, opensAt, closesAt}.
   * Caller: NGO org admin or staff of that NGO.
   */
  @Transaction()
  @Returns('string')
  async CreateCampaign(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['id', 'ngoId', 'name', 'goal', 'currency', 'opensAt', 'closesAt']);
    const ngoId = requireId('ngoId', input.ngoId);
    requireNgoManager(ctx, ngoId, 'create campaigns');
    const id = requireId('id', input.id);
    const campaign: Campaign = {
      docType: 'campaign',
      id,
      ngoId,
      name: requireText('name', input.name, 200),
      goal: requireAmount('goal', input.goal),
      currency: requireCurrency('currency', input.currency),
      opensAt: requireTime('opensAt', input.opensAt),
      closesAt: requireTime('closesAt', input.closesAt),
      createdAt: txTime(ctx),
    };
    if (campaign.closesAt <= campaign.opensAt) throw invalid('closesAt must be later than opensAt');
    await requireActiveNgo(ctx, ngoId, 'open campaigns');
    const stateKey = key(ctx.stub, KeyType.Campaign, id);
    if (await exists(ctx, stateKey)) throw new LedgerError(ErrorCode.AlreadyExists, `campaign ${id} already exists`);
    await putIndex(ctx, KeyType.CampaignsByNgo, ngoId, id);
    return write(ctx, stateKey, campaign, Events.CampaignCreated);
  }

  @Transaction(false)
  @Returns('string')
  async ReadCampaign(ctx: Context, campaignId: string): Promise<string> {
    return json(await getRecord<Campaign>(ctx, KeyType.Campaign, requireId('campaignId', campaignId), 'campaign'));
  }

  @Transaction(false)
  @Returns('string')
  async ListCampaignsByNgo(ctx: Context, ngoId: string, pageSize: string, bookmark: string): Promise<string> {
    return json(await listIndexed<Campaign>(ctx, KeyType.CampaignsByNgo, [requireId('ngoId', ngoId)], pageSize, bookmark, KeyType.Campaign, 'campaign'));
  }

  // ---- Donations -------------------------------------------------------------------------

  /**
   * Records a donation from the caller. Request: {id, ngoId, campaignId?, amount, currency}.
   * The id is chosen by the client, so a retried request cannot donate twice (ALREADY_EXISTS).
   * Writes only keys of this donation (the record and four index entries): concurrent donations
   * to one NGO never conflict.
   */
  @Transaction()
  @Returns('string')
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
      docType: 'donation', id, ngoId, campaignId, amount, currency, remaining: amount, donor, donatedAt: now, txId: ctx.stub.getTxID(),
    };
    await putIndex(ctx, KeyType.DonationsByNgo, ngoId, id);
    if (campaignId) await putIndex(ctx, KeyType.DonationsByCampaign, campaignId, id);
    await putIndex(ctx, KeyType.DonorNgos, donor.key, ngoId, id);
    await putIndex(ctx, KeyType.Unspent, ...unspentAttributes(donation));
    return write(ctx, stateKey, donation, Events.DonationRecorded);
  }

  @Transaction(false)
  @Returns('string')
  async ReadDonation(ctx: Context, donationId: string): Promise<string> {
    return json(await getRecord<Donation>(ctx, KeyType.Donation, requireId('donationId', donationId), 'donation'));
  }

  @Transaction(false)
  @Returns('string')
  async ListDonationsByNgo(ctx: Context, ngoId: string, pageSize: string, bookmark: string): Promise<string> {
    return json(await listIndexed<Donation>(ctx, KeyType.DonationsByNgo, [requireId('ngoId', ngoId)], pageSize, bookmark, KeyType.Donation, 'donation'));
  }

  @Transaction(false)
  @Returns('string')
  async ListDonationsByCampaign(ctx: Context, campaignId: string, pageSize: string, bookmark: string): Promise<string> {
    const id = requireId('campaignId', campaignId);
    return json(await listIndexed<Donation>(ctx, KeyType.DonationsByCampaign, [id], pageSize, bookmark, KeyType.Donation, 'donation'));
  }

  /** The caller's own donations. Caller: a donor. */
  @Transaction(false)
  @Returns('string')
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
  @Returns('string')
  async RecordSpend(ctx: Context, request: string): Promise<string> {
    const input = parseObject('request', request, ['id', 'ngoId', 'campaignId', 'amount', 'currency', 'description', 'category', 'receiptHash']);
    const ngoId = requireId('ngoId', input.ngoId);
    const caller = requireStaffOf(ctx, ngoId, 'record its spends');
    const id = requireId('id', input.id);
    const campaignId = optionalId('campaignId', input.campaignId);
    const amount = requireAmount('amount', input.amount);
    const currency = requireCurrency('currency', input.currency);
    const description = requireText('description', input.description, 1000);
    const category = requireSlug('category', input.category);
    const receiptHash = requireSha256('receiptHash', input.receiptHash);
    await requireActiveNgo(ctx, ngoId, 'record spends');
    if (campaignId) await requireCampaignOf(ctx, campaignId, ngoId);
    const stateKey = key(ctx.stub, KeyType.Spend, id);
    if (await exists(ctx, stateKey)) throw new LedgerError(ErrorCode.AlreadyExists, `spend ${id} already exists`);

    const pool = campaignId || GENERAL_POOL;
    const unspent = await unspentDonations(ctx, ngoId, pool, currency);
    const pieces = allocateFifo(unspent.map((d) => ({ id: d.id, remaining: BigInt(d.remaining) })), BigInt(amount));
    if (!pieces) {
      const available = unspent.reduce((sum, d) => sum + BigInt(d.remaining), 0n);
      const where = campaignId ? `campaign ${campaignId}` : `NGO ${ngoId} (outside campaigns)`;
      throw new LedgerError(ErrorCode.InsufficientFunds, `${where} has ${available} ${currency} unspent, less than the spend of ${amount}`);
    }
    const byId = new Map(unspent.map((d) => [d.id, d]));
    for (const piece of pieces) {
      const donation = byId.get(piece.donationId);
      if (!donation) throw new Error(`allocation named unknown donation ${piece.donationId}`);
      await spendFrom(ctx, donation, piece.amount);
      const allocation: AllocationRecord = {
        docType: 'allocation', spendId: id, donationId: donation.id, ngoId, amount: piece.amount.toString(), currency,
      };
      await putRecord(ctx, key(ctx.stub, KeyType.Allocation, id, donation.id), allocation);
      await putIndex(ctx, KeyType.AllocationsByDonation, donation.id, id);
    }
    const spend: Spend = {
      docType: 'spend', id, ngoId, campaignId, amount, currency, description, category, receiptHash,
      recordedAt: txTime(ctx), recordedBy: caller.id, txId: ctx.stub.getTxID(),
      allocations: pieces.map((p) => ({ donationId: p.donationId, amount: p.amount.toString() })),
    };
    await putIndex(ctx, KeyType.SpendsByNgo, ngoId, id);
    return write(ctx, stateKey, spend, Events.SpendRecorded);
  }

  @Transaction(false)
  @Returns('string')
  async ReadSpend(ctx: Context, spendId: string): Promise<string> {
    return json(await getRecord<Spend>(ctx, KeyType.Spend, requireId('spendId', spendId), 'spend'));
  }

  @Transaction(false)
  @Returns('string')
  async ListSpendsByNgo(ctx: Context, ngoId: string, pageSize: string, bookmark: string): Promise<string> {
    return json(await listIndexed<Spend>(ctx, KeyType.SpendsByNgo, [requireId('ngoId', ngoId)], pageSize, bookmark, KeyType.Spend, 'spend'));
  }

  /** Where a donation went: each spend it paid for, with the amount it paid. */
  @Transaction(false)
  @Returns('string')
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
  @Returns('string')
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
  @Returns('string')
  async RateNgo(ctx: Context, ngoId: string, score: string): Promise<string> {
    const donor = requireDonor(ctx, 'rate NGOs');
    const id = requireId('ngoId', ngoId);
    const value = requireScore(score);
    await getRecord<Ngo>(ctx, KeyType.Ngo, id, 'NGO');
    const gifts = await ctx.stub.getStateByPartialCompositeKey(KeyType.DonorNgos, [donor.key, id]);
    const first = await gifts.next();
    await gifts.close();
    if (first.done) throw new LedgerError(ErrorCode.Forbidden, `only donors of NGO ${id} may rate it, and the caller has not donated to it`);
    const rating: Rating = { docType: 'rating', ngoId: id, donorKey: donor.key, score: value, ratedAt: txTime(ctx) };
    return write(ctx, key(ctx.stub, KeyType.Rating, id, donor.key), rating, Events.NgoRated);
  }

  @Transaction(false)
  @Returns('string')
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
  @Returns('string')
  async SetMyDetails(ctx: Context): Promise<string> {
    const donor = requireDonor(ctx, 'store their details');
    const transient = ctx.stub.getTransient().get('details');
    if (!transient) throw invalid('the details must be passed as transient data under the key "details"');
    const input = parseObject('details', Buffer.from(transient).toString('utf8'), ['name', 'email']);
    const details: DonorDetails = {
      donorKey: donor.key,
      name: requireText('name', input.name, 200),
      email: requireEmail('email', input.email),
      updatedAt: txTime(ctx),
    };
    await ctx.stub.putPrivateData(DONOR_DETAILS_COLLECTION, donor.key, marshal(details));
    ctx.stub.setEvent(Events.DonorDetailsUpdated, marshal({ donorKey: donor.key, updatedAt: details.updatedAt }));
    return json({ donorKey: donor.key, updatedAt: details.updatedAt });
  }

  /** The caller's own details; only peers of the donor platform org hold them. */
  @Transaction(false)
  @Returns('string')
  async ReadMyDetails(ctx: Context): Promise<string> {
    const donor = requireDonor(ctx, 'read their details');
    const bytes = await ctx.stub.getPrivateData(DONOR_DETAILS_COLLECTION, donor.key);
    if (bytes.length === 0) throw notFound('details of donor', donor.key);
    return json(unmarshal<DonorDetails>(bytes));
  }

  // ---- History ---------------------------------------------------------------------------

  /** Every revision of a record (type: ngo, campaign, donation, spend, proposal), oldest first. */
  @Transaction(false)
  @Returns('string')
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

/** Index attributes that order a donation's money oldest first within its NGO, pool and currency. */
function unspentAttributes(d: Donation): string[] {
  return [d.ngoId, d.campaignId || GENERAL_POOL, d.currency, d.donatedAt, d.id];
}

async function unspentDonations(ctx: Context, ngoId: string, pool: string, currency: string): Promise<Donation[]> {
  const donations: Donation[] = [];
  for (const entry of await allEntries(ctx, KeyType.Unspent, [ngoId, pool, currency])) {
    const donationId = entry.attributes[4] ?? '';
    donations.push(await getRecord<Donation>(ctx, KeyType.Donation, donationId, 'donation'));
  }
  return donations;
}

/** Takes `amount` from a donation; a donation with nothing left leaves the unspent index. */
async function spendFrom(ctx: Context, donation: Donation, amount: bigint): Promise<void> {
  const remaining = BigInt(donation.remaining) - amount;
  if (remaining < 0n) throw new Error(`allocation would take donation ${donation.id} below zero`);
  await putRecord(ctx, key(ctx.stub, KeyType.Donation, donation.id), { ...donation, remaining: remaining.toString() });
  if (remaining === 0n) await ctx.stub.deleteState(key(ctx.stub, KeyType.Unspent, ...unspentAttributes(donation)));
}
