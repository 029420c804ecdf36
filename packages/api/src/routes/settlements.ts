// Settlement batches: the payment service attests that pledged money arrived, many donations in
// one ledger transaction. Only settled money pays for spends, counts in totals and lets a donor rate.
import { Router } from 'express';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { noQuery, settle, settlementParams } from '../schemas';
import { written } from './written';

export function settlementRoutes(registry: RouteRegistry): Router {
  const router = Router();
  registry.add(router, {
    method: 'post', path: '/api/settlements', tag: 'settlements', summary: 'Settle pledges whose money arrived, in one batch (the payment service)',
    access: ['payments'], query: noQuery, body: settle, idempotent: true,
    success: { status: 201, description: 'The batch; each donation it names is now settled. The same batch again answers the same.', schema: R.writtenSettlement },
    errors: [403, 404, 409],
  }, async ({ body, caller }) => written(await (await caller!.ledger()).settleDonations(body)));
  registry.add(router, {
    method: 'get', path: '/api/settlements/:batchId', tag: 'settlements', summary: 'Read a settlement batch', access: 'user',
    params: settlementParams, query: noQuery, success: { status: 200, description: 'The batch', schema: R.settlementBatch }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).readSettlement(params.batchId));
  return router;
}
