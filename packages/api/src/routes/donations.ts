// Donations: give, read, list mine, and see where each one went.
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { RouteRegistry } from '../routing';
import { donate, donationParams, noQuery, page } from '../schemas';
import { written } from './written';

export function donationRoutes(registry: RouteRegistry): Router {
  const router = Router();
  registry.add(router, {
    method: 'post', path: '/api/donations', tag: 'donations', summary: 'Donate (you are the donor)', access: ['donor'], query: noQuery, body: donate,
    success: { status: 201, description: 'The donation, with the transaction that wrote it' }, errors: [403, 404, 409],
  }, async ({ body, caller }) => written(await (await caller!.ledger()).donate({ ...body, id: body.id ?? `don-${randomUUID()}` })));
  registry.add(router, {
    method: 'get', path: '/api/donations/mine', tag: 'donations', summary: 'My donations', access: ['donor'], query: page,
    success: { status: 200, description: 'A page of your donations' },
  }, async ({ query, caller }) => (await caller!.ledger()).listMyDonations(query));
  registry.add(router, {
    method: 'get', path: '/api/donations/:donationId', tag: 'donations', summary: 'Read a donation', access: 'user', params: donationParams, query: noQuery,
    success: { status: 200, description: 'The donation' }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).readDonation(params.donationId));
  registry.add(router, {
    method: 'get', path: '/api/donations/:donationId/allocations', tag: 'donations', summary: 'Where a donation went: the spends it paid for', access: 'user',
    params: donationParams, query: page, success: { status: 200, description: 'A page of allocations, each with its spend' }, errors: [404],
  }, async ({ params, query, caller }) => (await caller!.ledger()).listAllocationsByDonation(params.donationId, query));
  return router;
}
