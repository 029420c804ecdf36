// Fabric blocks and transactions, read from their bytes: header hashes, the data hash, the
// orderer metadata, and a transaction's key writes.
//
// Fabric hashes a block header as SHA-256 over DER SEQUENCE { INTEGER number, OCTET STRING
// previous_hash, OCTET STRING data_hash }, and a block's data as SHA-256 over its transaction
// envelopes concatenated. Block metadata (signatures, validation flags) is outside both hashes;
// the orderers' signatures cover the header and their own metadata value.
import { concatBytes, sha256 } from './bytes';
import { blockHeaderDer } from './der';
import { Message } from './protobuf';

/** common.BlockMetadataIndex */
export const MetadataIndex = { Signatures: 0, TransactionsFilter: 2 } as const;
/** common.HeaderType */
export const HeaderType = { Config: 1, EndorserTransaction: 3 } as const;

export interface Block {
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
  readonly envelopes: readonly Uint8Array[];
  readonly metadata: readonly Uint8Array[];
}

export function decodeBlock(bytes: Uint8Array): Block {
  const block = new Message(bytes);
  if (!block.has(1)) throw new Error('the block has no header');
  const header = block.message(1);
  return {
    number: header.uint(1),
    previousHash: header.bytes(2),
    dataHash: header.bytes(3),
    envelopes: block.message(2).allBytes(1),
    metadata: block.message(3).allBytes(1),
  };
}

export function blockHeaderHash(number: number, previousHash: Uint8Array, dataHash: Uint8Array): Promise<Uint8Array> {
  return sha256(blockHeaderDer(number, previousHash, dataHash));
}

export const headerHashOf = (block: Block): Promise<Uint8Array> => blockHeaderHash(block.number, block.previousHash, block.dataHash);

/** SHA-256 of the block's envelopes as they are, to compare with its data hash. */
export const computedDataHashOf = (block: Block): Promise<Uint8Array> => sha256(concatBytes(block.envelopes));

/** The orderers' signature metadata: the signed value (OrdererBlockMetadata) and the signatures. */
export function signatureMetadataOf(block: Block): Message {
  return new Message(block.metadata[MetadataIndex.Signatures] ?? new Uint8Array());
}

/** The config block in force when this block was cut, as its orderers signed it (0 for the genesis block). */
export function lastConfigOf(block: Block): number {
  const value = signatureMetadataOf(block).bytes(1);
  return new Message(value).message(1).uint(1);
}

export interface Transaction {
  readonly index: number;
  readonly txId: string;
  readonly type: number;
  readonly channel: string;
  readonly creatorMspId: string;
  /** The creator's certificate (PEM bytes), as its SerializedIdentity holds it. */
  readonly creator: Uint8Array;
  /** The envelope's payload, for readers of the transaction's body. */
  readonly payload: Message;
}

export function transactionsOf(block: Block): Transaction[] {
  return block.envelopes.map((envelope, index) => {
    const payload = new Message(new Message(envelope).bytes(1));
    const header = payload.message(1);
    const channelHeader = header.message(1);
    const creator = header.message(2).message(1);
    return { index, txId: channelHeader.string(5), type: channelHeader.uint(1), channel: channelHeader.string(4), creatorMspId: creator.string(1), creator: creator.bytes(2), payload };
  });
}

export interface KeyWrite {
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/**
 * The key writes of an endorser transaction in one chaincode namespace: Transaction → actions →
 * ChaincodeActionPayload → ChaincodeEndorsedAction → ProposalResponsePayload → ChaincodeAction →
 * TxReadWriteSet → NsReadWriteSet → KVRWSet.writes. These bytes are what the endorsers signed
 * and what the peers applied when the transaction was valid.
 */
export function writesOf(transaction: Transaction, namespace: string): KeyWrite[] {
  if (transaction.type !== HeaderType.EndorserTransaction) return [];
  const writes: KeyWrite[] = [];
  for (const action of new Message(transaction.payload.bytes(2)).messages(1)) {
    const endorsed = action.message(2).message(2);
    const chaincodeAction = endorsed.message(1).message(2);
    for (const ns of chaincodeAction.message(1).messages(2)) {
      if (ns.string(1) !== namespace) continue;
      for (const write of ns.message(2).messages(3)) writes.push({ key: write.string(1), isDelete: write.uint(2) !== 0, value: write.bytes(3) });
    }
  }
  return writes;
}

/** The key Fabric's shim builds for a composite key: U+0000 type U+0000 attribute U+0000 ... */
export const compositeKey = (type: string, ...attributes: string[]): string => `\u0000${type}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;

