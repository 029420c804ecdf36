// Campaigns of NGOs; outcome-based ones hold their money until their validator org confirms
// milestones (validators confirm with the SDK, through their own org's peers).
import { Router } from 'express';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { campaignParams, createCampaign, noQuery, page, refundHeld } from '../schemas';
import { written } from './written';

export function campaignRoutes(registry: RouteRegistry): Router {
  const router = Router();
  registry.add(router, {
    method: 'post', path: '/api/campaigns', tag: 'campaigns', summary: 'Open a campaign (with a validator org and milestones: outcome-based)', access: ['ngo-admin', 'ngo-staff'], idempotent: true, query: noQuery, body: createCampaign,
    success: { status: 201, description: 'The campaign, with the transaction that wrote it', schema: R.writtenCampaign }, errors: [403, 404, 409],
  }, async ({ body, caller }) => written(await (await caller!.ledger()).createCampaign(body)));
  registry.add(router, {
    method: 'get', path: '/api/campaigns/:campaignId', tag: 'campaigns', summary: 'Read a campaign', access: 'user', params: campaignParams, query: noQuery,
    success: { status: 200, description: 'The campaign', schema: R.campaign }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).readCampaign(params.campaignId));
  registry.add(router, {
    method: 'get', path: '/api/campaigns/:campaignId/donations', tag: 'campaigns', summary: "A campaign's donations", access: 'user', params: campaignParams, query: page,
    success: { status: 200, description: 'A page of donations', schema: R.donationPage }, errors: [404],
  }, async ({ params, query, caller }) => (await caller!.ledger()).listDonationsByCampaign(params.campaignId, query));
  registry.add(router, {
    method: 'get', path: '/api/campaigns/:campaignId/milestones', tag: 'campaigns', summary: "A campaign's milestones and whether each is confirmed", access: 'user',
    params: campaignParams, query: noQuery, success: { status: 200, description: 'The milestones, in order', schema: R.milestones }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).listMilestones(params.campaignId));
  registry.add(router, {
    method: 'post', path: '/api/campaigns/:campaignId/held-money-refund', tag: 'campaigns',
    summary: 'After an outcome-based campaign closed with milestones unmet, give what they held back to its donors, pro rata (the payment service)',
    access: ['payments'], params: campaignParams, query: noQuery, body: refundHeld, idempotent: true,
    success: { status: 201, description: 'What was held and the refund of each donation', schema: R.writtenHeldMoneyRefund }, errors: [403, 404, 409],
  }, async ({ params, body, caller }) => written(await (await caller!.ledger()).refundHeldMoney(params.campaignId, body.paymentRef)));
  return router;
}
