// Audit: every revision of a record, its proofs, the ledger's digest and its verification; from
// the peers (/api/history, /api/proofs, /api/ledger) and from the read model (/api/read/audit).
import { Router } from 'express';
import { z } from 'zod';
import { perClientLimit } from '../limits';
import { ReadModelAccess } from '../read-model';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { blockRange, indexedRecordParams, indexedVerify, noQuery, readQuery, recordParams, verify } from '../schemas';

export function auditRoutes(registry: RouteRegistry, readModel: ReadModelAccess, expensivePerMinute: number): Router {
  const router = Router();
  // A proof reads a block per revision; a verification every block since genesis.
  const expensive = perClientLimit(expensivePerMinute, 'too many proofs or verifications from this address');
  router.get('/api/proofs/:recordType/:id', expensive);
  router.post('/api/ledger/verify', expensive);
  router.post('/api/read/audit/verify', expensive);
  registry.add(router, {
    method: 'get', path: '/api/history/:recordType/:id', tag: 'audit', summary: 'Every revision of a record, oldest first', access: 'user', params: recordParams,
    query: noQuery, success: { status: 200, description: 'The revisions', schema: R.history }, errors: [404],
  }, async ({ params, caller }) => {
    // The SDK gives stored values as unknown: the schema says what they are, the contract test checks it.
    const revisions = await (await caller!.ledger()).getHistory(params.recordType, params.id);
    return revisions as z.input<typeof R.history>;
  });
  registry.add(router, {
    method: 'get', path: '/api/proofs/:recordType/:id', tag: 'audit', summary: 'Block, transaction, validation code and block hash of each revision', access: 'user',
    params: recordParams, query: noQuery, success: { status: 200, description: 'The proofs', schema: R.proofs }, errors: [404, 429],
  }, async ({ params, caller }) => (await caller!.ledger()).getProof(params.recordType, params.id));
  registry.add(router, {
    method: 'get', path: '/api/ledger/digest', tag: 'audit', summary: "The ledger's digest: height and hash of the last block header", access: 'user', query: noQuery,
    success: { status: 200, description: 'The digest', schema: R.ledgerDigest },
  }, async ({ caller }) => (await caller!.ledger()).getDigest());
  registry.add(router, {
    method: 'post', path: '/api/ledger/verify', tag: 'audit', summary: 'Re-walk the hash chain from genesis, checking every block\'s orderer signatures, optionally through a saved digest', access: 'user',
    query: noQuery, body: verify, success: { status: 200, description: 'The digest it reached, or the first block that fails', schema: R.verifyResult }, errors: [429],
  }, async ({ body, caller }) => (await caller!.ledger()).verify(body.digest));

  const indexed = { tag: 'audit', access: 'user' as const, errors: [503, 504] };
  registry.add(router, { ...indexed, method: 'get', path: '/api/read/audit/digest', summary: "The read model's digest: indexed height and last block header hash", query: readQuery,
    success: { status: 200, description: 'The indexed digest', schema: R.indexedDigest }, errors: [404, 503, 504] },
  async ({ query }) => (await readModel.ready(query)).digest());
  registry.add(router, { ...indexed, method: 'post', path: '/api/read/audit/verify', summary: 'Check that the indexed chain passes through a saved digest and is unbroken', query: noQuery,
    body: indexedVerify, success: { status: 200, description: 'The digest, or the first block that fails', schema: R.indexedVerifyResult }, errors: [429, 503, 504] },
  async ({ body }) => (await readModel.ready()).verifyDigest(body.digest));
  // The read model keeps records as stored JSON (unknown to the compiler): the schemas say what they are, the contract test checks it.
  registry.add(router, { ...indexed, method: 'get', path: '/api/read/audit/history/:recordType/:id', summary: "A record's every revision with block, transaction and validation code",
    params: indexedRecordParams, query: readQuery, success: { status: 200, description: 'The revisions, oldest first', schema: R.indexedHistory }, errors: [404, 503, 504] },
  async ({ params, query }) => (await readModel.ready(query)).history(params.recordType, params.id) as Promise<z.input<typeof R.indexedHistory>>);
  registry.add(router, { ...indexed, method: 'get', path: '/api/read/audit/proofs/:recordType/:id', summary: "Each revision's block number and hash, transaction ID and validation code",
    params: indexedRecordParams, query: readQuery, success: { status: 200, description: 'The proofs, oldest first', schema: R.indexedProofs }, errors: [404, 503, 504] },
  async ({ params, query }) => (await readModel.ready(query)).proof(params.recordType, params.id));
  registry.add(router, { ...indexed, method: 'get', path: '/api/read/audit/blocks', summary: 'Indexed blocks from..to (at most 1000): hashes and transaction counts', query: blockRange,
    success: { status: 200, description: 'The blocks', schema: R.indexedBlocks } },
  async ({ query }) => (await readModel.ready()).blocks(query.from, query.to) as Promise<z.input<typeof R.indexedBlocks>>);
  return router;
}
