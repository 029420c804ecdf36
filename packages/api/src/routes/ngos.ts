// NGOs, and what hangs off one: its campaigns, donations, spends, balance and ratings.
import { Router } from 'express';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { ngoParams, ngoStatus, noQuery, page, rate, registerNgo } from '../schemas';
import { written } from './written';

export function ngoRoutes(registry: RouteRegistry): Router {
  const router = Router();
  const read = { access: 'user' as const, tag: 'ngos', errors: [404] };

  registry.add(router, { ...read, method: 'get', path: '/api/ngos', summary: 'List NGOs', query: page, success: { status: 200, description: 'A page of NGOs', schema: R.ngoPage } },
    async ({ query, caller }) => (await caller!.ledger()).listNgos(query));
  registry.add(router, {
    method: 'post', path: '/api/ngos', tag: 'ngos', summary: 'Register an NGO', access: ['ngo-admin'], idempotent: true, query: noQuery, body: registerNgo,
    success: { status: 201, description: 'The NGO, with the transaction that wrote it', schema: R.writtenNgo }, errors: [403, 409],
  }, async ({ body, caller }) => written(await (await caller!.ledger()).registerNgo(body)));
  registry.add(router, { ...read, method: 'get', path: '/api/ngos/:ngoId', summary: 'Read an NGO', params: ngoParams, query: noQuery, success: { status: 200, description: 'The NGO', schema: R.ngo } },
    async ({ params, caller }) => (await caller!.ledger()).readNgo(params.ngoId));
  registry.add(router, {
    method: 'put', path: '/api/ngos/:ngoId/status', tag: 'ngos', summary: 'Suspend or reactivate an NGO', access: ['ngo-admin'], params: ngoParams, query: noQuery,
    body: ngoStatus, success: { status: 200, description: 'The NGO, with the transaction that wrote it', schema: R.writtenNgo }, errors: [403, 404, 409],
  }, async ({ params, body, caller }) => written(await (await caller!.ledger()).setNgoStatus(params.ngoId, body.status)));
  registry.add(router, { ...read, method: 'get', path: '/api/ngos/:ngoId/balance', summary: 'Unspent money by campaign and currency', params: ngoParams, query: noQuery, success: { status: 200, description: 'The balance', schema: R.balance } },
    async ({ params, caller }) => (await caller!.ledger()).readBalance(params.ngoId));
  registry.add(router, { ...read, method: 'get', path: '/api/ngos/:ngoId/campaigns', summary: "An NGO's campaigns", params: ngoParams, query: page, success: { status: 200, description: 'A page of campaigns', schema: R.campaignPage } },
    async ({ params, query, caller }) => (await caller!.ledger()).listCampaignsByNgo(params.ngoId, query));
  registry.add(router, { ...read, method: 'get', path: '/api/ngos/:ngoId/donations', summary: "An NGO's donations", params: ngoParams, query: page, success: { status: 200, description: 'A page of donations', schema: R.donationPage } },
    async ({ params, query, caller }) => (await caller!.ledger()).listDonationsByNgo(params.ngoId, query));
  registry.add(router, { ...read, method: 'get', path: '/api/ngos/:ngoId/spends', summary: "An NGO's spends", params: ngoParams, query: page, success: { status: 200, description: 'A page of spends', schema: R.spendPage } },
    async ({ params, query, caller }) => (await caller!.ledger()).listSpendsByNgo(params.ngoId, query));
  registry.add(router, { ...read, method: 'get', path: '/api/ngos/:ngoId/ratings', summary: "An NGO's ratings", params: ngoParams, query: page, success: { status: 200, description: 'A page of ratings', schema: R.ratingPage } },
    async ({ params, query, caller }) => (await caller!.ledger()).listRatingsByNgo(params.ngoId, query));
  registry.add(router, {
    method: 'put', path: '/api/ngos/:ngoId/rating', tag: 'ngos', summary: 'Rate an NGO you gave to (1-5); again to change it', access: ['donor'], params: ngoParams,
    query: noQuery, body: rate, success: { status: 200, description: 'Your rating, with the transaction that wrote it', schema: R.writtenRating }, errors: [403, 404],
  }, async ({ params, body, caller }) => written(await (await caller!.ledger()).rateNgo(params.ngoId, body.score)));
  return router;
}
