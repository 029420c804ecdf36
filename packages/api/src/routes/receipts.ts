// Receipts anyone can verify offline (@donation-ledger/receipt): the donation, its pledge and
// settlement blocks, and the channel's config blocks, as the caller's own identity reads them.
//
// Not public, and a donor gets only their own: a receipt carries whole blocks (Fabric's data hash
// covers all of a block's transactions, so nothing can be cut out), and every transaction in a
// block names its submitter's certificate, whose subject is the user's enrollment ID. Other
// users may read receipts as they may read donations and their proofs (/api/proofs).
import { parseCertificate, Receipt, transactionsOf, decodeBlock, fromBase64, equalBytes } from '@donation-ledger/receipt';
import { Role } from '@donation-ledger/model';
import { Router } from 'express';
import { perClientLimit } from '../limits';
import { ApiError } from '../problems';
import * as R from '../responses';
import { Caller, RouteRegistry } from '../routing';
import { donationParams, noQuery } from '../schemas';

export function receiptRoutes(registry: RouteRegistry, expensivePerMinute: number): Router {
  const router = Router();
  // A receipt reads the history, two blocks and the config blocks back to genesis.
  router.get('/api/donations/:donationId/receipt', perClientLimit(expensivePerMinute, 'too many receipts from this address'));
  registry.add(router, {
    method: 'get', path: '/api/donations/:donationId/receipt', tag: 'donations',
    summary: 'A receipt of the donation anyone can verify offline (npm run verify-receipt): the donation, its pledge and settlement blocks, and the config blocks from genesis (donors: their own donations)',
    access: 'user', params: donationParams, query: noQuery,
    success: { status: 200, description: 'A receipt (format donation-ledger-receipt/1)', schema: R.receipt }, errors: [403, 404, 429],
  }, async ({ params, caller, res }) => {
    const receipt = await (await caller!.ledger()).donationReceipt(params.donationId);
    if (caller!.account.role === Role.Donor) await requirePledger(receipt, caller!);
    res.setHeader('Content-Disposition', `attachment; filename="receipt-${params.donationId}.json"`);
    return receipt;
  });
  return router;
}

/** A donor's receipt: the pledge was submitted with the caller's certificate (same subject and issuer: a re-enrolled identity still counts). */
async function requirePledger(receipt: Receipt, caller: Caller): Promise<void> {
  const pledge = transactionsOf(decodeBlock(fromBase64(receipt.pledge.block))).find((t) => t.txId === receipt.pledge.txId);
  const mine = parseCertificate(new TextEncoder().encode(await caller.certificate()));
  const creator = pledge ? parseCertificate(pledge.creator) : undefined;
  if (!creator || !equalBytes(creator.subjectDer, mine.subjectDer) || !equalBytes(creator.issuerDer, mine.issuerDer)) {
    throw new ApiError(403, 'FORBIDDEN', `donation ${receipt.donation.id} was pledged by another donor: a donor gets receipts of their own donations`);
  }
}
