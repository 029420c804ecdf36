// Pledged, then settled: a donation is a pledge until the donor platform's payment service says its
// money arrived (SettleDonations, in batches); only settled money pays for spends, counts in
// balances and lets a donor rate. End to end through the real peers, including a transaction whose
// date was moved, which the chaincode refuses against the endorsing peer's clock.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect as connectGateway, hash } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos';
import { Donation, LedgerClient, LedgerError, messageSigner, toLedgerError } from '@donation-ledger/client';
import { clientProfile } from '@donation-ledger/network';
import { connectAs, connectPayments, credentialOf, ensureNgo, give, openWindow, outcome, paths, settle, topology, uniqueId, until } from './harness';

describe('pledged, then settled money', () => {
  let admin: LedgerClient;
  let donor: LedgerClient;
  let donor2: LedgerClient;
  let staff: LedgerClient;
  let payments: LedgerClient;
  /** staff1 of the topology works for ngo-1; each test gives to a campaign of its own, so its pool holds only its money. */
  const ngoId = 'ngo-1';

  beforeAll(async () => {
    admin = await connectAs('ngo', 'ngoadmin1');
    donor = await connectAs('donorplatform', 'donor1');
    donor2 = await connectAs('donorplatform', 'donor2');
    staff = await connectAs('ngo', 'staff1');
    payments = await connectPayments();
    await ensureNgo(admin, ngoId);
  });

  afterAll(() => {
    for (const client of [admin, donor, donor2, staff, payments]) client.close();
  });

  async function newCampaign(): Promise<string> {
    const id = uniqueId('camp');
    await staff.createCampaign({ id, ngoId, name: 'Settled money', goal: '100000', currency: 'EUR', ...openWindow() });
    // Written through the NGO org's peer; the donors' peer may be a block behind.
    await until(`the donor platform peer to see campaign ${id}`, async () => (await outcome(donor.readCampaign(id))) === 'OK');
    return id;
  }

  const pledge = async (client: LedgerClient, campaignId: string, amount: string): Promise<Donation> =>
    (await client.donate({ id: uniqueId('don'), ngoId, campaignId, amount, currency: 'EUR' })).result;

  /** What is unspent in a campaign's pool, read through the donor platform's peer (where settlements commit first). */
  const unspentIn = async (campaignId: string): Promise<string | undefined> =>
    (await donor.readBalance(ngoId)).balances.find((b) => b.campaignId === campaignId && b.currency === 'EUR')?.unspent;

  /** Waits for the NGO org's peer (where staff spend) to have committed what the donor platform's peer has. */
  const ngoPeerSees = (donationId: string, status: Donation['status']): Promise<void> =>
    until(`the NGO org peer to see donation ${donationId} ${status}`, async () => (await staff.readDonation(donationId)).status === status);

  test("a pledge pays for no spend and counts in no balance until it is settled; a batch settles several donations in one transaction, and each donation's history shows pledged, then settled", async () => {
    const campaignId = await newCampaign();
    const pledges = [await pledge(donor, campaignId, '100'), await pledge(donor2, campaignId, '50'), await pledge(donor, campaignId, '25')];
    for (const p of pledges) expect(p).toMatchObject({ status: 'pledged', remaining: '0', refunded: '0', settledAt: '', settlementBatchId: '', paymentRef: '' });
    await ngoPeerSees(pledges[2]!.id, 'pledged');

    const early = uniqueId('sp');
    const spend = (id: string, amount: string): ReturnType<LedgerClient['recordSpend']> =>
      staff.recordSpend({ id, ngoId, campaignId, amount, currency: 'EUR', description: 'Seeds', category: 'food' });
    expect(await outcome(spend(early, '10'))).toBe('INSUFFICIENT_FUNDS');
    expect(await outcome(staff.readSpend(early))).toBe('NOT_FOUND');
    expect(await unspentIn(campaignId)).toBeUndefined();

    const batch = await settle(payments, pledges.map((p) => p.id));
    expect(batch.result).toEqual({
      id: expect.stringMatching(/^batch-/) as unknown, settledAt: expect.any(String) as unknown, settledBy: 'DonorPlatformMSP', txId: batch.transactionId,
      settlements: pledges.map((p) => ({ donationId: p.id, paymentRef: `psp-${p.id}`, amount: p.amount, currency: 'EUR' })),
    });
    expect(await donor.readSettlement(batch.result.id)).toEqual(batch.result);
    for (const p of pledges) {
      expect(await donor.readDonation(p.id)).toEqual({
        ...p, status: 'settled', remaining: p.amount, settledAt: batch.result.settledAt, settlementBatchId: batch.result.id, paymentRef: `psp-${p.id}`,
      });
      // One transaction settled all three: the second revision of each is the batch's.
      const history = await donor.getHistory('donation', p.id);
      expect(history.map((r) => [(r.value as Donation).status, r.txId])).toEqual([['pledged', p.txId], ['settled', batch.transactionId]]);
    }
    expect(await unspentIn(campaignId)).toBe('175');

    await ngoPeerSees(pledges[2]!.id, 'settled');
    const { result: paid } = await spend(uniqueId('sp'), '120');
    expect(paid.allocations.reduce((sum, a) => sum + BigInt(a.amount), 0n)).toBe(120n);
    expect(new Set(paid.allocations.map((a) => a.donationId)).size).toBe(paid.allocations.length);
    expect(await unspentIn(campaignId)).toBe('55');
  });

  test('a batch naming an unknown donation is NOT_FOUND and writes nothing: its good pledge stays pledged', async () => {
    const good = await pledge(donor, await newCampaign(), '30');
    const batchId = uniqueId('batch');

    const refused = await payments.settleDonations({
      batchId, settlements: [{ donationId: good.id, paymentRef: 'psp-good' }, { donationId: uniqueId('no-such-donation'), paymentRef: 'psp-unknown' }],
    }).catch((err: unknown) => err);

    expect(refused).toBeInstanceOf(LedgerError);
    expect(refused).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`settlement batch ${batchId} is refused whole`) as unknown });
    expect(await donor.readDonation(good.id)).toEqual(good);
    expect(await donor.getHistory('donation', good.id)).toHaveLength(1);
    expect(await outcome(payments.readSettlement(batchId))).toBe('NOT_FOUND');
    // The batch ID was not used up: the good pledge alone settles under it.
    await payments.settleDonations({ batchId, settlements: [{ donationId: good.id, paymentRef: 'psp-good' }] });
    expect((await donor.readDonation(good.id)).status).toBe('settled');
  });

  test('a batch naming a donation no longer pledged (cancelled, or settled by another batch) is CONFLICT, one naming a donation twice INVALID_ARGUMENT; neither writes anything', async () => {
    const campaignId = await newCampaign();
    const [cancelled, settledEarlier, waiting] = [await pledge(donor, campaignId, '10'), await pledge(donor, campaignId, '20'), await pledge(donor2, campaignId, '30')];
    // Only the donor who pledged (or the payment service) may cancel a pledge.
    expect(await outcome(donor2.cancelPledge(cancelled.id))).toBe('FORBIDDEN');
    expect((await donor.cancelPledge(cancelled.id)).result).toMatchObject({ status: 'cancelled', remaining: '0', cancelledAt: expect.any(String) as unknown });
    const earlier = await settle(payments, [settledEarlier.id]);

    const tryBatch = (ids: string[]): Promise<string> => outcome(settle(payments, ids));
    expect(await tryBatch([waiting.id, cancelled.id])).toBe('CONFLICT');
    expect(await tryBatch([waiting.id, settledEarlier.id])).toBe('CONFLICT');
    expect(await tryBatch([waiting.id, waiting.id])).toBe('INVALID_ARGUMENT');

    expect(await donor2.readDonation(waiting.id)).toEqual(waiting);
    expect(await donor.readDonation(settledEarlier.id)).toMatchObject({ status: 'settled', remaining: '20', settlementBatchId: earlier.result.id });
    expect(await donor.readDonation(cancelled.id)).toMatchObject({ status: 'cancelled', remaining: '0' });
    expect(await outcome(donor.cancelPledge(settledEarlier.id))).toBe('CONFLICT');
    expect(await unspentIn(campaignId)).toBe('20');
  });

  test('the same batch sent again returns the first batch record (with its transaction) and writes nothing; other entries under its ID are ALREADY_EXISTS', async () => {
    const campaignId = await newCampaign();
    const [p1, p2] = [await pledge(donor, campaignId, '40'), await pledge(donor2, campaignId, '60')];
    const request = { batchId: uniqueId('batch'), settlements: [{ donationId: p1.id, paymentRef: 'psp-1' }] };

    const first = await payments.settleDonations(request);
    const settled = await donor.readDonation(p1.id);
    const again = await payments.settleDonations(request);

    expect(again.result).toEqual(first.result);
    expect(again.result.txId).toBe(first.transactionId);
    expect(again.transactionId).not.toBe(first.transactionId); // a transaction of its own, that wrote nothing:
    expect(await donor.readDonation(p1.id)).toEqual(settled);
    expect((await donor.getHistory('donation', p1.id)).map((r) => r.txId)).toEqual([p1.txId, first.transactionId]);
    expect(await payments.readSettlement(request.batchId)).toEqual(first.result);
    expect(await unspentIn(campaignId)).toBe('40');

    const other = (settlements: { donationId: string; paymentRef: string }[]): Promise<string> => outcome(payments.settleDonations({ batchId: request.batchId, settlements }));
    expect(await other([{ donationId: p2.id, paymentRef: 'psp-2' }])).toBe('ALREADY_EXISTS');
    expect(await other([{ donationId: p1.id, paymentRef: 'psp-other' }])).toBe('ALREADY_EXISTS');
    expect(await donor2.readDonation(p2.id)).toEqual(p2);
  });

  test('only the payment service may settle: the donor who pledged, NGO staff and the NGO admin are FORBIDDEN, and the pledge stays pledged', async () => {
    const p = await pledge(donor, await newCampaign(), '15');
    for (const [who, client] of [['donor', donor], ['NGO staff', staff], ['NGO admin', admin]] as const) {
      expect([who, await outcome(settle(client, [p.id]))]).toEqual([who, 'FORBIDDEN']);
    }
    expect(await donor.readDonation(p.id)).toEqual(p);
    expect(await donor.getHistory('donation', p.id)).toHaveLength(1);
  });

  test('a pledge does not let its donor rate the NGO; once settled, it does', async () => {
    const rated = uniqueId('ngo');
    await admin.registerNgo({ id: rated, name: 'Rated once paid' });
    const p = (await donor.donate({ id: uniqueId('don'), ngoId: rated, amount: '5', currency: 'EUR' })).result;

    expect(await outcome(donor.rateNgo(rated, 4))).toBe('FORBIDDEN');
    await settle(payments, [p.id]);
    expect((await donor.rateNgo(rated, 4)).result).toMatchObject({ ngoId: rated, score: 4 });
    expect((await donor.listRatingsByNgo(rated)).records.map((r) => r.score)).toEqual([4]);
  });

  test('settled money not spent is refunded in part or whole, and leaves the balance; more than is left is INSUFFICIENT_FUNDS, a pledge cannot be refunded (CONFLICT)', async () => {
    const campaignId = await newCampaign();
    const money = await give(donor, payments, { id: uniqueId('don'), ngoId, campaignId, amount: '80', currency: 'EUR' });
    const waiting = await pledge(donor, campaignId, '10');

    expect(await outcome(payments.refundDonation({ donationId: waiting.id, paymentRef: 'psp-r0' }))).toBe('CONFLICT');
    const part = await payments.refundDonation({ donationId: money.id, amount: '30', paymentRef: 'psp-r1', reason: 'donor asked' });
    expect(part.result).toMatchObject({ donationId: money.id, amount: '30', currency: 'EUR', paymentRef: 'psp-r1', reason: 'donor asked', txId: part.transactionId });
    expect(await donor.readDonation(money.id)).toMatchObject({ status: 'settled', remaining: '50', refunded: '30' });
    expect(await unspentIn(campaignId)).toBe('50');

    expect(await outcome(payments.refundDonation({ donationId: money.id, amount: '51', paymentRef: 'psp-r2' }))).toBe('INSUFFICIENT_FUNDS');
    await payments.refundDonation({ donationId: money.id, paymentRef: 'psp-r3' }); // all that is left
    expect(await donor.readDonation(money.id)).toMatchObject({ status: 'refunded', remaining: '0', refunded: '80' });
    expect(await unspentIn(campaignId)).toBeUndefined();
    expect((await donor.listRefundsByDonation(money.id)).records.map((r) => r.amount).sort()).toEqual(['30', '50']);
  });

  describe('the time of a transaction', () => {
    /**
     * Endorses a Donate by donor1 whose proposal says it was made `shiftMs` from now: built with
     * fabric-gateway's offline signing (a gateway with no signer gives the unsigned proposal), its
     * channel header's timestamp moved (redated), then signed with donor1's key. The transaction ID comes
     * from the nonce and the creator, not the time, so it stays valid. With `submit`, an endorsed
     * proposal is signed, submitted and waited for in the same way.
     */
    async function donateDated(donationId: string, shiftMs: number, options: { submit?: boolean } = {}): Promise<{ transactionId: string; code: number } | LedgerError> {
      const profile = clientProfile(topology(), paths(), 'donorplatform', 'donor1');
      const endpoint = profile.gateways[0]!; // the donor platform's own peer
      const client = new grpc.Client(endpoint.endpoint, grpc.credentials.createSsl(readFileSync(endpoint.tlsRootCertPath)), {
        'grpc.ssl_target_name_override': endpoint.hostnameOverride, 'grpc.default_authority': endpoint.hostnameOverride,
      });
      const { mspId, certificate, key } = credentialOf('donorplatform', 'donor1', profile.mspId);
      // hash.none: the "digest" to sign is the message itself, which messageSigner hashes and signs.
      const gateway = connectGateway({ client, identity: { mspId, credentials: Buffer.from(certificate) }, hash: hash.none });
      const sign = messageSigner(key);
      try {
        const contract = gateway.getNetwork(profile.channel).getContract(profile.chaincode);
        const unsigned = contract.newProposal('Donate', { arguments: [JSON.stringify({ id: donationId, ngoId, amount: '5', currency: 'EUR' })] });
        const { bytes, signed } = redated(unsigned.getBytes(), shiftMs);
        const proposal = gateway.newSignedProposal(bytes, await sign(signed));
        const endorsed = await proposal.endorse();
        if (!options.submit) return { transactionId: endorsed.getTransactionId(), code: -1 };
        const transaction = gateway.newSignedTransaction(endorsed.getBytes(), await sign(endorsed.getDigest()));
        const submitted = await transaction.submit();
        const status = await gateway.newSignedCommit(submitted.getBytes(), await sign(submitted.getDigest())).getStatus();
        return { transactionId: status.transactionId, code: status.code };
      } catch (err) {
        return toLedgerError(err);
      } finally {
        gateway.close();
        client.close();
      }
    }

    test('the offline-signed path itself works: the same proposal rebuilt with its own date commits', async () => {
      const id = uniqueId('don');
      const committed = await donateDated(id, 0, { submit: true });
      expect(committed).toMatchObject({ code: 0 }); // VALID
      expect(await donor.readDonation(id)).toMatchObject({ id, status: 'pledged', txId: (committed as { transactionId: string }).transactionId });
    });

    // 10 minutes: beyond the chaincode's window (300 s), inside the peer's own check of proposal
    // times (peer.authentication.timewindow, 15 min), which refuses an hour's shift before the
    // chaincode runs (see governance.test.ts).
    test.each([
      ['backdated 10 minutes', -600_000, 'behind'],
      ['dated 10 minutes ahead', 600_000, 'ahead of'],
    ])('a transaction %s is refused by the chaincode with CLOCK_SKEW and writes nothing', async (_what, shiftMs, direction) => {
      const id = uniqueId('don');
      const refused = await donateDated(id, shiftMs);
      expect(refused).toBeInstanceOf(LedgerError);
      expect(refused).toMatchObject({
        code: 'CLOCK_SKEW', message: expect.stringMatching(new RegExp(`\\d+ s ${direction} the endorsing peer's clock; at most 300 s are allowed`)) as unknown,
      });
      expect(await outcome(donor.readDonation(id))).toBe('NOT_FOUND');
    });

    test('a transaction backdated an hour does not reach the chaincode: the peer itself refuses it, and nothing is written', async () => {
      const id = uniqueId('don');
      const refused = await donateDated(id, -3_600_000);
      expect(refused).toMatchObject({ code: 'ENDORSEMENT_FAILED', message: expect.stringContaining('incorrect timestamp') as unknown });
      expect(await outcome(donor.readDonation(id))).toBe('NOT_FOUND');
    });
  });
});

/**
 * An unsigned proposal (fabric-gateway's ProposedTransaction: the SignedProposal with its
 * transaction ID) whose channel header's timestamp is moved by `shiftMs`; `signed` is what its
 * signature must cover, the new Proposal bytes.
 */
function redated(proposedTransactionBytes: Uint8Array, shiftMs: number): { bytes: Uint8Array; signed: Uint8Array } {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(proposedTransactionBytes);
  const signedProposal = proposed.getProposal();
  if (!signedProposal) throw new Error('the proposed transaction has no proposal');
  const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const timestamp = channelHeader.getTimestamp();
  if (!timestamp) throw new Error('the proposal has no timestamp');
  const millis = timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1_000_000) + shiftMs;
  timestamp.setSeconds(Math.floor(millis / 1000));
  timestamp.setNanos((millis % 1000) * 1_000_000);
  channelHeader.setTimestamp(timestamp);
  header.setChannelHeader(channelHeader.serializeBinary());
  proposal.setHeader(header.serializeBinary());
  const signed = proposal.serializeBinary();
  signedProposal.setProposalBytes(signed);
  return { bytes: proposed.serializeBinary(), signed };
}
