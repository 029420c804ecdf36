// Audit: every revision of a record, its proofs, the ledger's digest and its verification.
import { Router } from 'express';
import { RouteRegistry } from '../routing';
import { noQuery, recordParams, verify } from '../schemas';

export function auditRoutes(registry: RouteRegistry): Router {
  const router = Router();
  registry.add(router, {
    method: 'get', path: '/api/history/:recordType/:id', tag: 'audit', summary: 'Every revision of a record, oldest first', access: 'user', params: recordParams,
    query: noQuery, success: { status: 200, description: 'The revisions' }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).getHistory(params.recordType, params.id));
  registry.add(router, {
    method: 'get', path: '/api/proofs/:recordType/:id', tag: 'audit', summary: 'Block, transaction, validation code and block hash of each revision', access: 'user',
    params: recordParams, query: noQuery, success: { status: 200, description: 'The proofs' }, errors: [404],
  }, async ({ params, caller }) => (await caller!.ledger()).getProof(params.recordType, params.id));
  registry.add(router, {
    method: 'get', path: '/api/ledger/digest', tag: 'audit', summary: "The ledger's digest: height and hash of the last block header", access: 'user', query: noQuery,
    success: { status: 200, description: 'The digest' },
  }, async ({ caller }) => (await caller!.ledger()).getDigest());
  registry.add(router, {
    method: 'post', path: '/api/ledger/verify', tag: 'audit', summary: 'Re-walk the hash chain from genesis, optionally through a saved digest', access: 'user',
    query: noQuery, body: verify, success: { status: 200, description: '{ ok, digest } or { ok: false, blockNumber, reason }' },
  }, async ({ body, caller }) => (await caller!.ledger()).verify(body.digest));
  return router;
}
