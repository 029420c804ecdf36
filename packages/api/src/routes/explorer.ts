// The explorer for operators and auditors: blocks, their transactions with validation codes and
// creators, what config blocks changed, the records each transaction wrote. From the read model.
import { MAX_EXPLORER_BLOCKS } from '@donation-ledger/model';
import { Router } from 'express';
import { z } from 'zod';
import { ReadModelAccess } from '../read-model';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { noQuery } from '../schemas';

const blockNumber = z.coerce.number().int('must be a whole block number').min(0).max(Number.MAX_SAFE_INTEGER);
const blockListQuery = z.strictObject({
  before: blockNumber.optional().describe('List blocks numbered below this one (the previous page\'s last number); newest first'),
  limit: z.coerce.number().int().min(1).max(MAX_EXPLORER_BLOCKS).optional().describe(`How many, 1-${MAX_EXPLORER_BLOCKS} (default 20)`),
});
const blockParams = z.strictObject({ number: blockNumber });

export function explorerRoutes(registry: RouteRegistry, access: ReadModelAccess): Router {
  const router = Router();
  const read = { method: 'get' as const, tag: 'explorer', access: 'user' as const, errors: [503, 504] };
  registry.add(router, { ...read, path: '/api/explorer/blocks', summary: 'The newest blocks: hash, transactions, how many are invalid, config or not', query: blockListQuery,
    success: { status: 200, description: 'The blocks, newest first, as of a block', schema: R.explorerBlocks } },
  async ({ query }) => (await access.ready()).explorerBlocks(query.before, query.limit ?? 20));
  registry.add(router, { ...read, path: '/api/explorer/blocks/:number', summary: "A block's transactions: validation code, creator MSP, function, what a config block changed, records written",
    params: blockParams, query: noQuery, success: { status: 200, description: 'The block and its transactions', schema: R.explorerBlock }, errors: [404, 503, 504] },
  async ({ params }) => (await access.ready()).explorerBlock(params.number));
  return router;
}
