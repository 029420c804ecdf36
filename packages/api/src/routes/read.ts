// Lists and search over the read model (the SQL index of the ledger): faster than the
// chaincode's listings and searchable, each answer saying which block it is as of.
import { RecordFilters } from '@donation-ledger/indexer';
import { RecordType } from '@donation-ledger/model';
import { Router } from 'express';
import { z, ZodType } from 'zod';
import { ReadModelAccess } from '../read-model';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { campaignListQuery, donationListQuery, indexedRecordParams, ngoListQuery, proposalListQuery, readQuery, spendListQuery, txParams } from '../schemas';

export function readRoutes(registry: RouteRegistry, access: ReadModelAccess): Router {
  const router = Router();
  const read = { method: 'get' as const, tag: 'read model', access: 'user' as const, errors: [404, 503, 504] };
  // The read model keeps records as stored JSON (unknown to the compiler): the schemas say what they are, the contract test checks it.
  const listing = <S extends ZodType>(schema: S, type: string, query: ListQuery): Promise<z.input<S>> => {
    const { limit, after, minBlock, afterTx, ...filters } = query;
    return access.ready({ minBlock, afterTx }).then((model) => model.list(type, filters, { limit, after }) as Promise<z.input<S>>);
  };

  registry.add(router, { method: 'get', path: '/api/read/status', tag: 'read model', summary: "The indexer's state and height", access: 'user', query: readQuery,
    success: { status: 200, description: 'The indexer\'s state, or why there is no read model', schema: R.readModelStatus } },
  () => Promise.resolve(access.status()));
  const lists = [
    { path: '/api/read/ngos', summary: 'NGOs, by status or name', query: ngoListQuery, schema: R.ngoListing, type: RecordType.Ngo },
    { path: '/api/read/campaigns', summary: 'Campaigns, by NGO or name', query: campaignListQuery, schema: R.campaignListing, type: RecordType.Campaign },
    { path: '/api/read/donations', summary: 'Donations, by NGO, campaign or donor key', query: donationListQuery, schema: R.donationListing, type: RecordType.Donation },
    { path: '/api/read/spends', summary: 'Spends, by NGO, campaign, category or description', query: spendListQuery, schema: R.spendListing, type: RecordType.Spend },
    { path: '/api/read/proposals', summary: 'Membership proposals, by status', query: proposalListQuery, schema: R.proposalListing, type: RecordType.Proposal },
  ] as const;
  for (const { schema, type, ...list } of lists) {
    registry.add(router, { ...read, ...list, success: { status: 200, description: 'A page of records in ID order, as of a block', schema } },
      ({ query }) => listing(schema, type, query));
  }
  registry.add(router, { ...read, path: '/api/read/records/:recordType/:id', summary: 'A record as the read model has it now', params: indexedRecordParams, query: readQuery,
    success: { status: 200, description: 'The record, as of a block', schema: R.indexedRecord } },
  async ({ params, query }) => (await access.ready(query)).get(params.recordType, params.id) as Promise<z.input<typeof R.indexedRecord>>);
  registry.add(router, { ...read, path: '/api/read/transactions/:txId', summary: "A transaction's block, validation code, creator and time", params: txParams, query: readQuery,
    success: { status: 200, description: 'The transaction, as of a block', schema: R.indexedTransaction } },
  async ({ params, query }) => (await access.ready(query)).transaction(params.txId) as Promise<z.input<typeof R.indexedTransaction>>);
  return router;
}

/** The query of any listing: page, read-your-writes and the type's own filters. */
type ListQuery = { limit?: number | undefined; after?: string | undefined; minBlock?: number | undefined; afterTx?: string | undefined } & RecordFilters;
