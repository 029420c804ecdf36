// Lists and search over the read model (the SQL index of the ledger): faster than the
// chaincode's listings and searchable, each answer saying which block it is as of.
import { Router } from 'express';
import { ReadModelAccess } from '../read-model';
import { RouteRegistry } from '../routing';
import { campaignListQuery, donationListQuery, indexedRecordParams, ngoListQuery, proposalListQuery, readQuery, spendListQuery, txParams } from '../schemas';

export function readRoutes(registry: RouteRegistry, access: ReadModelAccess): Router {
  const router = Router();
  const list = { method: 'get' as const, tag: 'read model', access: 'user' as const, success: { status: 200, description: '{ items, next, asOfBlock }' }, errors: [404, 503, 504] };

  registry.add(router, { method: 'get', path: '/api/read/status', tag: 'read model', summary: "The indexer's state and height", access: 'user', query: readQuery,
    success: { status: 200, description: '{ state, store, channel, height, blockHash }' } },
  () => Promise.resolve(access.status()));
  registry.add(router, { ...list, path: '/api/read/ngos', summary: 'NGOs, by status or name', query: ngoListQuery },
    async ({ query: { limit, after, minBlock, afterTx, ...filters } }) => (await access.ready({ minBlock, afterTx })).list('ngo', filters, { limit, after }));
  registry.add(router, { ...list, path: '/api/read/campaigns', summary: 'Campaigns, by NGO or name', query: campaignListQuery },
    async ({ query: { limit, after, minBlock, afterTx, ...filters } }) => (await access.ready({ minBlock, afterTx })).list('campaign', filters, { limit, after }));
  registry.add(router, { ...list, path: '/api/read/donations', summary: 'Donations, by NGO, campaign or donor key', query: donationListQuery },
    async ({ query: { limit, after, minBlock, afterTx, ...filters } }) => (await access.ready({ minBlock, afterTx })).list('donation', filters, { limit, after }));
  registry.add(router, { ...list, path: '/api/read/spends', summary: 'Spends, by NGO, campaign, category or description', query: spendListQuery },
    async ({ query: { limit, after, minBlock, afterTx, ...filters } }) => (await access.ready({ minBlock, afterTx })).list('spend', filters, { limit, after }));
  registry.add(router, { ...list, path: '/api/read/proposals', summary: 'Membership proposals, by status', query: proposalListQuery },
    async ({ query: { limit, after, minBlock, afterTx, ...filters } }) => (await access.ready({ minBlock, afterTx })).list('proposal', filters, { limit, after }));
  registry.add(router, { ...list, path: '/api/read/records/:recordType/:id', summary: 'A record as the read model has it now', params: indexedRecordParams, query: readQuery,
    success: { status: 200, description: '{ value, asOfBlock }' }, errors: [404, 503, 504] },
  async ({ params, query }) => (await access.ready(query)).get(params.recordType, params.id));
  registry.add(router, { ...list, path: '/api/read/transactions/:txId', summary: "A transaction's block, validation code, creator and time", params: txParams, query: readQuery,
    success: { status: 200, description: '{ value, asOfBlock }' }, errors: [404, 503, 504] },
  async ({ params, query }) => (await access.ready(query)).transaction(params.txId));
  return router;
}
