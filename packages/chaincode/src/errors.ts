// Errors with stable codes (declared in @donation-ledger/model). The code leads the message
// ("NOT_FOUND: ...") because the message is the only thing Fabric carries from the chaincode to
// the client; the SDK and the API map the code by table, never by matching prose.
import { ErrorCode } from '@donation-ledger/model';

export { ErrorCode };

export class LedgerError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'LedgerError';
  }
}

export const notFound = (what: string, id: string): LedgerError => new LedgerError(ErrorCode.NotFound, `${what} ${id} does not exist`);
export const invalid = (detail: string): LedgerError => new LedgerError(ErrorCode.InvalidArgument, detail);
export const forbidden = (detail: string): LedgerError => new LedgerError(ErrorCode.Forbidden, detail);
export const conflict = (detail: string): LedgerError => new LedgerError(ErrorCode.Conflict, detail);
