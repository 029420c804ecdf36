import { Committed } from '@donation-ledger/client';
import { idFromKey, IDEMPOTENCY_HEADER } from '../idempotency';
import { ApiError } from '../problems';
import { Caller } from '../routing';

/** What every write answers: the record written, and the transaction and block it landed in. */
export function written<T>(committed: Committed<T>): { record: T; transactionId: string; blockNumber: string } {
  return { record: committed.result, transactionId: committed.transactionId, blockNumber: committed.blockNumber.toString() };
}

/**
 * The ledger ID of a new record: the one the client chose, else one derived from its
 * Idempotency-Key. Never a random one: a blind retry of a request whose answer was lost must name
 * the same record, so that the ledger refuses it instead of writing it twice.
 */
export function newRecordId(given: string | undefined, prefix: string, caller: Caller, idempotencyKey: string | undefined): string {
  if (given) return given;
  if (idempotencyKey) return idFromKey(prefix, caller.account.username, idempotencyKey);
  throw new ApiError(400, 'INVALID_REQUEST', `send an id in the body or an ${IDEMPOTENCY_HEADER} header, so that a retry cannot write twice`,
    [{ path: 'body.id', message: `required without an ${IDEMPOTENCY_HEADER} header` }]);
}
