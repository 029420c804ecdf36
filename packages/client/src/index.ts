// The public surface of the donation ledger SDK.
export { connect } from './client';
export type { ConnectOptions, LedgerClient } from './client';
export { DEFAULT_DEADLINES } from './connection';
export type { Deadlines, GatewayEndpoint } from './connection';
export { CertificateAuthority } from './ca';
export type { CertificateAuthorityOptions, RegistrationRequest } from './ca';
export { CHAINCODE_ERROR_CODES, LedgerError, parseChaincodeMessage, toLedgerError } from './errors';
export type { ChaincodeErrorCode, FabricErrorCode, LedgerErrorCode } from './errors';
export { certificateExpiry, checkIdentity, directoryWallet, identityFromFiles, memoryWallet } from './identity';
export type { Identity, IdentityFiles, IdentityStore } from './identity';
export { blockHeaderHash, parseBlock, verifyChain } from './ledger';
export type { BlockSource, BlockStream, LedgerDigest, ParsedBlock, VerifyResult } from './ledger';
export { DEFAULT_RETRY_POLICY } from './retry';
export { messageSigner } from './signing';
export type { RetryPolicy } from './retry';
export { checkpointers } from '@hyperledger/fabric-gateway';
export type { Checkpointer, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
export type * from './types';
