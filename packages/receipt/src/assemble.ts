// Assembling a receipt from ledger blocks, wherever they come from (the SDK's qscc queries in the
// API, a block file, a test). The proof material is the chain of config blocks: each block's
// signed metadata names the config block in force, and the block just before a config block
// names the one before it, so the chain is found walking back without reading every block.
import { RecordType } from '@donation-ledger/model';
import { compositeKey, decodeBlock, headerHashOf, lastConfigOf, transactionsOf, writesOf } from './block';
import { toBase64, toHex, utf8 } from './bytes';
import { Receipt, RECEIPT_FORMAT, ReceiptTransaction } from './receipt';

/** Reads serialized blocks by number. */
export type BlockReader = (number: number) => Promise<Uint8Array>;

export interface ReceiptParts {
  readonly channel: string;
  readonly chaincode: string;
  readonly donationId: string;
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
  const last = parts.settlement ?? parts.pledge;
  return {
    format: RECEIPT_FORMAT,
    issuedAt: (parts.issuedAt ?? new Date()).toISOString(),
    channel: parts.channel,
    chaincode: parts.chaincode,
    donation: writtenDonation(parts.donationId, last.txId, last.block, parts.chaincode),
    pledge,
    ...(settlement ? { settlement } : {}),
    configBlocks: configBlocks.map(({ number, bytes }) => ({ blockNumber: number, block: toBase64(bytes) })),
    genesisHash: toHex(await headerHashOf(genesis)),
  };
}

/** The donation exactly as the transaction wrote it (docType included), from the block's write set. */
function writtenDonation(donationId: string, txId: string, bytes: Uint8Array, chaincode: string): Receipt['donation'] {
  const transaction = transactionsOf(decodeBlock(bytes)).find((t) => t.txId === txId);
  if (!transaction) throw new Error(`transaction ${txId} is not in its block`);
  const key = compositeKey(RecordType.Donation, donationId);
  const write = writesOf(transaction, chaincode).find((w) => w.key === key && !w.isDelete);
  if (!write) throw new Error(`transaction ${txId} writes no donation ${donationId}`);
  return JSON.parse(utf8(write.value)) as Receipt['donation'];
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
