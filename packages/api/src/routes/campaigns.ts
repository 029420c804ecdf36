// Campaigns of NGOs.
import { Router } from 'express';
import { RouteRegistry } from '../routing';
import { campaignParams, createCampaign, noQuery, page } from '../schemas';
import { written } from './written';

export function campaignRoutes(registry: RouteRegistry): Router {
  const router = Router();
  registry.add(router, {
    method: 'post', path: '/api/campaigns', tag: 'campaigns', summary: 'Open a campaign', access: ['ngo-admin', 'ngo-staff'], query: noQuery, body: createCampaign,
    success: { status: 201, description: 'The campaign, with the transaction that wrote it' }, errors: [403, 404, 409],
  }, async ({ body, caller }) => written(await (await caller!.ledger()).createCampaign(body)));
  registry.add(router, {
    method: 'get', path: '/api/campaigns/:campaignId', tag: 'campaigns', summary: 'Read a campaign', access: 'user', params: campaignParams, query: noQuery,
    success: { status: 200, description: 'The campaign' }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).readCampaign(params.campaignId));
  registry.add(router, {
    method: 'get', path: '/api/campaigns/:campaignId/donations', tag: 'campaigns', summary: "A campaign's donations", access: 'user', params: campaignParams, query: page,
    success: { status: 200, description: 'A page of donations' }, errors: [404],
  }, async ({ params, query, caller }) => (await caller!.ledger()).listDonationsByCampaign(params.campaignId, query));
  return router;
}
