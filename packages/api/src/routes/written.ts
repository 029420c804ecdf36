import { Committed } from '@donation-ledger/client';

/** What every write answers: the record written, and the transaction and block it landed in. */
export function written<T>(committed: Committed<T>): { record: T; transactionId: string; blockNumber: string } {
  return { record: committed.result, transactionId: committed.transactionId, blockNumber: committed.blockNumber.toString() };
}
