// The codes of the ledger's rules. The chaincode puts the code at the start of its error message
// ("NOT_FOUND: ...") because the message is the only thing Fabric carries back to the client; the
// SDK and the API read the code from there and map it by table, never by matching prose. So a
// code is part of the wire format: renaming one breaks every client already deployed.
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

/** The same codes as a list, in the order above: a rule of the ledger said no, so retrying the same request cannot help. */
export const CHAINCODE_ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export const isChaincodeErrorCode = (value: string): value is ErrorCode => (CHAINCODE_ERROR_CODES as readonly string[]).includes(value);
