// Spends of NGOs, allocated by the chaincode to the donations that paid for them.
import { Router } from 'express';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { noQuery, recordSpend, spendParams } from '../schemas';
import { newRecordId, written } from './written';

export function spendRoutes(registry: RouteRegistry): Router {
  const router = Router();
  registry.add(router, {
    method: 'post', path: '/api/spends', tag: 'spends', summary: "Record a spend of your NGO (staff)", access: ['ngo-staff'], query: noQuery, body: recordSpend,
    success: { status: 201, description: 'The spend and its allocation, with the transaction that wrote it', schema: R.writtenSpend }, errors: [403, 404, 409, 422], idempotent: true,
  }, async ({ body, caller, idempotencyKey }) => written(await (await caller!.ledger()).recordSpend({ ...body, id: newRecordId(body.id, 'sp', caller!, idempotencyKey) })));
  registry.add(router, {
    method: 'get', path: '/api/spends/:spendId', tag: 'spends', summary: 'Read a spend', access: 'user', params: spendParams, query: noQuery,
    success: { status: 200, description: 'The spend', schema: R.spend }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).readSpend(params.spendId));
  return router;
}
