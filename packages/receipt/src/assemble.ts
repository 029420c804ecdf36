// Assembling a receipt from ledger blocks, wherever they come from (the SDK's qscc queries in the
// API, a block file, a test). The proof material is the chain of config blocks: each block's
// signed metadata names the config block in force, and the block just before a config block
// names the one before it, so the chain is found walking back without reading every block.
import type { Donation } from '@donation-ledger/model';
import { decodeBlock, headerHashOf, lastConfigOf } from './block';
import { toBase64, toHex } from './bytes';
import { Receipt, RECEIPT_FORMAT, ReceiptTransaction } from './receipt';

/** Reads serialized blocks by number. */
export type BlockReader = (number: number) => Promise<Uint8Array>;

export interface ReceiptParts {
  readonly channel: string;
  readonly chaincode: string;
  /** The donation as the last of the receipt's transactions wrote it. */
  readonly donation: Donation;
  readonly pledge: { readonly txId: string; readonly block: Uint8Array };
  readonly settlement?: { readonly txId: string; readonly block: Uint8Array };
  readonly readBlock: BlockReader;
  readonly issuedAt?: Date;
}

export async function assembleReceipt(parts: ReceiptParts): Promise<Receipt> {
  const pledge = await receiptTransaction(parts.pledge.txId, parts.pledge.block);
  const settlement = parts.settlement ? await receiptTransaction(parts.settlement.txId, parts.settlement.block) : undefined;
  const inForce = Math.max(...[parts.pledge.block, parts.settlement?.block].filter((b) => b !== undefined).map((b) => lastConfigOf(decodeBlock(b))));
  const configBlocks = await configBlocksThrough(inForce, parts.readBlock);
  const genesis = decodeBlock(configBlocks[0]!.bytes);
  return {
    format: RECEIPT_FORMAT,
    issuedAt: (parts.issuedAt ?? new Date()).toISOString(),
    channel: parts.channel,
    chaincode: parts.chaincode,
    donation: parts.donation,
    pledge,
    ...(settlement ? { settlement } : {}),
    configBlocks: configBlocks.map(({ number, bytes }) => ({ blockNumber: number, block: toBase64(bytes) })),
    genesisHash: toHex(await headerHashOf(genesis)),
  };
}

async function receiptTransaction(txId: string, bytes: Uint8Array): Promise<ReceiptTransaction> {
  const block = decodeBlock(bytes);
  return { txId, blockNumber: block.number, blockHash: toHex(await headerHashOf(block)), block: toBase64(bytes) };
}

/** Config blocks 0 .. `last`, in order, found by walking back through the last-config index of the block before each. */
export async function configBlocksThrough(last: number, readBlock: BlockReader): Promise<{ number: number; bytes: Uint8Array }[]> {
  const found: { number: number; bytes: Uint8Array }[] = [];
  for (let number = last; ;) {
    found.unshift({ number, bytes: await readBlock(number) });
    if (number === 0) return found;
    const previous = lastConfigOf(decodeBlock(await readBlock(number - 1)));
    if (previous >= number) throw new Error(`block ${number - 1} names config block ${previous}, which is not before config block ${number}`);
    number = previous;
  }
}
