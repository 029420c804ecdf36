// The public surface of the donation ledger SDK.
export { connect, DEFAULT_DEADLINES } from './client';
export type { ConnectOptions, Deadlines, LedgerClient } from './client';
export { CHAINCODE_ERROR_CODES, LedgerError, parseChaincodeMessage, toLedgerError } from './errors';
export type { ChaincodeErrorCode, FabricErrorCode, LedgerErrorCode } from './errors';
export type * from './types';
