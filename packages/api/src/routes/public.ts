// The public portal's data: no login, read from the read model, no donor identity. Every org's
// API answers these, so the public can ask any member and compare.
import { MAX_ACTIVITY } from '@donation-ledger/model';
import { Router } from 'express';
import { z } from 'zod';
import { perClientLimit } from '../limits';
import { ReadModelAccess } from '../read-model';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { donationParams, ngoParams, noQuery, readQuery } from '../schemas';

/** Generous for people (the portal polls the activity every few seconds), a bound for scrapers. */
export const PUBLIC_REQUESTS_PER_MINUTE = 600;
/** How many recent spends an NGO's page shows. */
const RECENT_SPENDS = 20;

const recentQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_ACTIVITY).optional().describe(`How many, 1-${MAX_ACTIVITY} (default 20)`) });

export function publicRoutes(registry: RouteRegistry, access: ReadModelAccess): Router {
  const router = Router();
  router.use('/api/public', perClientLimit(PUBLIC_REQUESTS_PER_MINUTE, 'too many requests to the public pages from this address'));
  const read = { method: 'get' as const, tag: 'public', access: 'public' as const, errors: [429, 503, 504] };
  registry.add(router, { ...read, path: '/api/public/overview', summary: 'Every NGO with what it raised, settled, holds, spent and has left per currency; spend by category', query: noQuery,
    success: { status: 200, description: 'The NGOs and spend by category, as of a block', schema: R.publicOverview } },
  async () => (await access.ready()).publicOverview());
  registry.add(router, { ...read, path: '/api/public/ngos/:ngoId', summary: "An NGO's page: its money, campaigns with progress and milestones, spend by category, newest spends",
    params: ngoParams, query: noQuery, success: { status: 200, description: "The NGO's page, as of a block", schema: R.publicNgoPage }, errors: [404, 429, 503, 504] },
  async ({ params }) => (await access.ready()).publicNgoPage(params.ngoId, RECENT_SPENDS));
  registry.add(router, { ...read, path: '/api/public/spends', summary: 'The newest spends of all NGOs, with their receipt hashes', query: recentQuery,
    success: { status: 200, description: 'The spends, newest first, as of a block', schema: R.publicSpends } },
  async ({ query }) => (await access.ready()).publicSpends(query.limit ?? 20));
  registry.add(router, { ...read, path: '/api/public/donations/:donationId', summary: 'Where a donation went, by its receipt code: donation, allocations to spends, refunds (no donor)',
    params: donationParams, query: readQuery, success: { status: 200, description: 'The donation (without its donor) and where it went, as of a block', schema: R.donationPath }, errors: [404, 429, 503, 504] },
  async ({ params, query }) => (await access.ready(query)).donationPath(params.donationId));
  registry.add(router, { ...read, path: '/api/public/activity', summary: 'The newest changes to NGOs, campaigns, donations, milestones and spends (no donor)', query: recentQuery,
    success: { status: 200, description: 'The changes, newest first, as of a block', schema: R.activity } },
  async ({ query }) => (await access.ready()).activity(query.limit ?? 20));
  return router;
}
