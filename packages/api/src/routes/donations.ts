// Donations: pledge, read, list mine, cancel a pledge, refund settled money, and see where each
// one went. A pledge becomes money when the payment service settles it (see settlements.ts).
import { Router } from 'express';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { donate, donationParams, noQuery, page, refund } from '../schemas';
import { newRecordId, written } from './written';

export function donationRoutes(registry: RouteRegistry): Router {
  const router = Router();
  registry.add(router, {
    method: 'post', path: '/api/donations', tag: 'donations', summary: 'Pledge a donation (you are the donor); it is money once the payment service settles it',
    access: ['donor'], query: noQuery, body: donate, idempotent: true,
    success: { status: 201, description: 'The pledge, with the transaction that wrote it', schema: R.writtenDonation }, errors: [403, 404, 409],
  }, async ({ body, caller, idempotencyKey }) => written(await (await caller!.ledger()).donate({ ...body, id: newRecordId(body.id, 'don', caller!, idempotencyKey) })));
  registry.add(router, {
    method: 'get', path: '/api/donations/mine', tag: 'donations', summary: 'My donations', access: ['donor'], query: page,
    success: { status: 200, description: 'A page of your donations', schema: R.donationPage },
  }, async ({ query, caller }) => (await caller!.ledger()).listMyDonations(query));
  registry.add(router, {
    method: 'get', path: '/api/donations/:donationId', tag: 'donations', summary: 'Read a donation', access: 'user', params: donationParams, query: noQuery,
    success: { status: 200, description: 'The donation', schema: R.donation }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).readDonation(params.donationId));
  registry.add(router, {
    method: 'get', path: '/api/donations/:donationId/allocations', tag: 'donations', summary: 'Where a donation went: the spends it paid for', access: 'user',
    params: donationParams, query: page, success: { status: 200, description: 'A page of allocations, each with its spend', schema: R.allocationPage }, errors: [404],
  }, async ({ params, query, caller }) => (await caller!.ledger()).listAllocationsByDonation(params.donationId, query));
  registry.add(router, {
    method: 'post', path: '/api/donations/:donationId/cancellation', tag: 'donations', summary: 'Cancel a pledge that is not settled (its donor, or the payment service)',
    access: ['donor', 'payments'], params: donationParams, query: noQuery, idempotent: true,
    success: { status: 201, description: 'The cancelled donation', schema: R.writtenDonation }, errors: [403, 404, 409],
  }, async ({ params, caller }) => written(await (await caller!.ledger()).cancelPledge(params.donationId)));
  registry.add(router, {
    method: 'post', path: '/api/donations/:donationId/refunds', tag: 'donations', summary: 'Give back settled money not yet spent (the payment service)',
    access: ['payments'], params: donationParams, query: noQuery, body: refund, idempotent: true,
    success: { status: 201, description: 'The refund', schema: R.writtenRefund }, errors: [403, 404, 409, 422],
  }, async ({ params, body, caller }) => written(await (await caller!.ledger()).refundDonation({ ...body, donationId: params.donationId })));
  registry.add(router, {
    method: 'get', path: '/api/donations/:donationId/refunds', tag: 'donations', summary: 'The refunds of a donation', access: 'user',
    params: donationParams, query: page, success: { status: 200, description: 'A page of refunds', schema: R.refundPage }, errors: [404],
  }, async ({ params, query, caller }) => (await caller!.ledger()).listRefundsByDonation(params.donationId, query));
  return router;
}
