// Errors with stable codes. The code leads the message ("NOT_FOUND: ...") because the message
// is the only thing Fabric carries from the chaincode to the client; the SDK and the API map
// the code by table, never by matching prose.
export const ErrorCode = {
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  Forbidden: 'FORBIDDEN',
  InvalidArgument: 'INVALID_ARGUMENT',
  InsufficientFunds: 'INSUFFICIENT_FUNDS',
  Conflict: 'CONFLICT',
  /** The time allowed for the action has passed (voting on a proposal after its expiry). */
  Expired: 'EXPIRED',
  /** The transaction's time is too far from the endorsing peer's clock (backdated, or a wrong clock). */
  ClockSkew: 'CLOCK_SKEW',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
