// The donation ledger contract: the rules of money. Helpers live outside the class (or are
// #private) so that they can never be invoked as transactions.
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireDonor, requireNgoAdmin } from './access';
import { ErrorCode, LedgerError, notFound } from './errors';
import { marshal, unmarshal } from './json';
import { Donation, Events, Ngo } from './records';
import { parseObject, requireAmount, requireCurrency, requireId, requireText } from './validation';

const NGO = 'ngo';
const DONATION = 'donation';
/** Index: donations of one NGO. One key per donation, so concurrent donations never conflict. */
const DONATION_BY_NGO = 'donation~ngo';

@Info({ title: 'DonationLedger', description: 'NGOs, donations, spends and their allocation' })
export class DonationContract extends Contract {
  constructor() {
    super('DonationLedger');
  }

  /** Registers an NGO. Request: {"id","name","description"?,"contact"?}. Caller: NGO org admin. */
  @Transaction()
  @Returns('string')
  async RegisterNgo(ctx: Context, request: string): Promise<string> {
    const caller = requireNgoAdmin(ctx);
    const input = parseObject('request', request, ['id', 'name', 'description', 'contact']);
    const id = requireId('id', input.id);
    const key = ctx.stub.createCompositeKey(NGO, [id]);
    if (await exists(ctx, key)) throw new LedgerError(ErrorCode.AlreadyExists, `NGO ${id} already exists`);
    const ngo: Ngo = {
      docType: 'ngo',
      id,
      name: requireText('name', input.name, 200),
      description: requireText('description', input.description, 2000, { optional: true }),
      contact: requireText('contact', input.contact, 200, { optional: true }),
      status: 'active',
      registeredAt: txTime(ctx),
      registeredBy: caller.mspId,
    };
    await ctx.stub.putState(key, marshal(ngo));
    ctx.stub.setEvent(Events.NgoRegistered, marshal(ngo));
    return marshal(ngo).toString();
  }

  @Transaction(false)
  @Returns('string')
  async ReadNgo(ctx: Context, id: string): Promise<string> {
    return marshal(await readNgo(ctx, requireId('id', id))).toString();
  }

  /**
   * Records a donation from the caller. Request: {"id","ngoId","amount","currency"}; the id is
   * chosen by the client, so a retried request cannot donate twice (ALREADY_EXISTS).
   */
  @Transaction()
  @Returns('string')
  async Donate(ctx: Context, request: string): Promise<string> {
    const donor = requireDonor(ctx);
    const input = parseObject('request', request, ['id', 'ngoId', 'amount', 'currency']);
    const id = requireId('id', input.id);
    const ngoId = requireId('ngoId', input.ngoId);
    const amount = requireAmount('amount', input.amount);
    const currency = requireCurrency('currency', input.currency);
    const ngo = await readNgo(ctx, ngoId);
    if (ngo.status !== 'active') throw new LedgerError(ErrorCode.Conflict, `NGO ${ngoId} is ${ngo.status} and cannot receive donations`);
    const key = ctx.stub.createCompositeKey(DONATION, [id]);
    if (await exists(ctx, key)) throw new LedgerError(ErrorCode.AlreadyExists, `donation ${id} already exists`);
    const donation: Donation = {
      docType: 'donation',
      id,
      ngoId,
      amount,
      currency,
      remaining: amount,
      donor: { mspId: donor.mspId, id: donor.id },
      donatedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await ctx.stub.putState(key, marshal(donation));
    await ctx.stub.putState(ctx.stub.createCompositeKey(DONATION_BY_NGO, [ngoId, id]), Buffer.from([0]));
    ctx.stub.setEvent(Events.DonationRecorded, marshal(donation));
    return marshal(donation).toString();
  }

  @Transaction(false)
  @Returns('string')
  async ReadDonation(ctx: Context, id: string): Promise<string> {
    const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(DONATION, [requireId('id', id)]));
    if (bytes.length === 0) throw notFound('donation', id);
    return marshal(unmarshal<Donation>(bytes)).toString();
  }
}

async function readNgo(ctx: Context, id: string): Promise<Ngo> {
  const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(NGO, [id]));
  if (bytes.length === 0) throw notFound('NGO', id);
  return unmarshal<Ngo>(bytes);
}

async function exists(ctx: Context, key: string): Promise<boolean> {
  return (await ctx.stub.getState(key)).length > 0;
}

/** Time comes from the transaction, never the clock, so every endorser computes the same record. */
function txTime(ctx: Context): string {
  const ts = ctx.stub.getTxTimestamp();
  const millis = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
  return new Date(millis).toISOString();
}
