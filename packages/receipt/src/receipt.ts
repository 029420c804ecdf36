// The receipt format: what a donor downloads and anyone can check offline. Versioned JSON; the
// blocks travel whole (base64) because Fabric's data hash is one SHA-256 over all of a block's
// transactions, so nothing less than the whole block can be checked against its header.
import type { Donation } from '@donation-ledger/model';

export const RECEIPT_FORMAT = 'donation-ledger-receipt/1';

/** A transaction of the donation and the block that holds it. */
export interface ReceiptTransaction {
  readonly txId: string;
  readonly blockNumber: number;
  /** Hex SHA-256 of the block's header, as the issuer computed it (the verifier recomputes it). */
  readonly blockHash: string;
  /** The serialized common.Block, base64. */
  readonly block: string;
}

export interface ReceiptConfigBlock {
  readonly blockNumber: number;
  /** The serialized common.Block, base64. */
  readonly block: string;
}

export interface Receipt {
  readonly format: typeof RECEIPT_FORMAT;
  /** When the issuer assembled it (not part of any proof). */
  readonly issuedAt: string;
  readonly channel: string;
  /** The chaincode (its namespace in the write sets). */
  readonly chaincode: string;
  /**
   * The donation record as the ledger wrote it: by the settlement when the receipt has one,
   * otherwise by the pledge.
   */
  readonly donation: Donation & { readonly docType?: string };
  readonly pledge: ReceiptTransaction;
  readonly settlement?: ReceiptTransaction;
  /**
   * The channel's config blocks from the genesis block (0) through the last config block in
   * force at the receipt's blocks, in order: they say who may sign blocks.
   */
  readonly configBlocks: readonly ReceiptConfigBlock[];
  /** Hex header hash of the genesis block as the issuer states it; trust only a hash the consortium publishes. */
  readonly genesisHash: string;
}

/** Why a document is not a receipt this verifier reads (the CLI's exit code 2). */
export class MalformedReceiptError extends Error {
  override readonly name = 'MalformedReceiptError';
}

const HEX = /^[0-9a-f]*$/;

/** Checks the shape of a parsed document and returns it typed, or throws MalformedReceiptError naming the first problem. */
export function parseReceipt(document: unknown): Receipt {
  const doc = object(document, 'the receipt');
  if (doc.format !== RECEIPT_FORMAT) {
    throw new MalformedReceiptError(`format is ${JSON.stringify(doc.format)}, this verifier reads ${JSON.stringify(RECEIPT_FORMAT)}`);
  }
  for (const field of ['issuedAt', 'channel', 'chaincode', 'genesisHash'] as const) text(doc[field], field);
  if (!HEX.test(doc.genesisHash as string)) throw new MalformedReceiptError('genesisHash is not hex');
  const donation = object(doc.donation, 'donation');
  for (const field of ['id', 'txId', 'amount', 'currency'] as const) text(donation[field], `donation.${field}`);
  transaction(doc.pledge, 'pledge');
  if (doc.settlement !== undefined) transaction(doc.settlement, 'settlement');
  if (!Array.isArray(doc.configBlocks) || doc.configBlocks.length === 0) throw new MalformedReceiptError('configBlocks is missing or empty');
  doc.configBlocks.forEach((block, i) => {
    const entry = object(block, `configBlocks[${i}]`);
    count(entry.blockNumber, `configBlocks[${i}].blockNumber`);
    text(entry.block, `configBlocks[${i}].block`);
  });
  return doc as unknown as Receipt;
}

function transaction(value: unknown, where: string): void {
  const tx = object(value, where);
  for (const field of ['txId', 'blockHash', 'block'] as const) text(tx[field], `${where}.${field}`);
  count(tx.blockNumber, `${where}.blockNumber`);
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedReceiptError(`${where} is missing or not an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, where: string): void {
  if (typeof value !== 'string' || value === '') throw new MalformedReceiptError(`${where} is missing or not a string`);
}

function count(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new MalformedReceiptError(`${where} is missing or not a block number`);
}
