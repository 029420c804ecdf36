// The public surface of the receipt package: the format, the verifier, and the isomorphic block
// and orderer-signature checks the SDK builds on. No Node modules: it runs in browsers too.
export { RECEIPT_FORMAT, MalformedReceiptError, parseReceipt } from './receipt';
export type { Receipt, ReceiptConfigBlock, ReceiptTransaction } from './receipt';
export { verifyReceipt } from './verify';
export { assembleReceipt, configBlocksThrough } from './assemble';
export type { BlockReader, ReceiptParts } from './assemble';
export type { CheckId, ReceiptCheck, ReceiptVerification, VerifiedTransaction, VerifyReceiptOptions } from './verify';
export { blockHeaderHash, compositeKey, computedDataHashOf, decodeBlock, headerHashOf, lastConfigOf, transactionsOf, writesOf } from './block';
export type { Block, KeyWrite, Transaction } from './block';
export { checkBlockSignatures, checkSignaturesAndAdvance, ordererTrustOf } from './orderer-trust';
export type { ConsenterIdentity, MspTrust, OrdererTrust, Policy, SignatureCheck } from './orderer-trust';
export { equalBytes, fromBase64, toBase64, toHex } from './bytes';
export { blockHeaderDer, derInteger, derSequence } from './der';
export { parseCertificate } from './x509';
export type { Certificate } from './x509';
