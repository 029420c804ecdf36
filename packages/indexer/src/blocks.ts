// Turning a serialized Fabric block into what the read model keeps: the block's hashes, each
// transaction's ID, validation code, creator and time, and the chaincode's key writes. Private
// data never appears here: a block carries only its hashes.
import { parseBlockMessage } from '@donation-ledger/client';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type { TransactionHeader } from '@donation-ledger/model';
import { configChangesOf } from './config-changes';

export interface KeyWrite {
  /** The composite key's object type (its first attribute), e.g. "donation". */
  readonly objectType: string;
  readonly attributes: readonly string[];
  /** The written value, or null for a delete. */
  readonly value: Buffer | null;
}

export interface BlockTransaction extends TransactionHeader {
  /** Writes to the chaincode's namespace (empty for other namespaces and non-endorser transactions). */
  readonly writes: readonly KeyWrite[];
}

export interface DecodedBlock {
  readonly number: number;
  readonly headerHash: string;
  readonly previousHash: string;
  readonly dataHash: string;
  /** SHA-256 of the block's envelopes as received: differs from dataHash when the block was altered. */
  readonly computedDataHash: string;
  readonly transactions: readonly BlockTransaction[];
}

const VALIDATION_CODE_NAMES = invert(peer.TxValidationCode as unknown as Record<string, number>);
const HEADER_TYPE_NAMES = invert(common.HeaderType as unknown as Record<string, number>);

/** Decodes a serialized block; `namespace` is the chaincode whose writes are kept. */
export function decodeBlock(bytes: Uint8Array, namespace: string): DecodedBlock {
  return decodeBlockMessage(common.Block.deserializeBinary(bytes), namespace);
}

export function decodeBlockMessage(block: common.Block, namespace: string): DecodedBlock {
  const parsed = parseBlockMessage(block);
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const codes = validationFlags(block);
  return {
    number: parsed.number,
    headerHash: parsed.headerHash.toString('hex'),
    previousHash: parsed.previousHash.toString('hex'),
    dataHash: parsed.dataHash.toString('hex'),
    computedDataHash: parsed.computedDataHash.toString('hex'),
    transactions: envelopes.map((envelope, index) => decodeTransaction(envelope, index, codes[index], namespace)),
  };
}

/**
 * The committing peer's validation code of each transaction (block metadata TRANSACTIONS_FILTER).
 * No hash or signature covers these: they are what the peer that served the block decided.
 */
export function validationFlags(block: common.Block): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
}

/** The name of a validation code (VALID, MVCC_READ_CONFLICT, ...). */
export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? `CODE_${code}`;
}

function decodeTransaction(envelopeBytes: Uint8Array, index: number, code: number | undefined, namespace: string): BlockTransaction {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const header = payload.getHeader();
  const channelHeader = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header?.getSignatureHeader_asU8() ?? new Uint8Array());
  const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
  const timestamp = channelHeader.getTimestamp();
  const type = channelHeader.getType();
  const base = {
    index,
    txId: channelHeader.getTxId(),
    type: HEADER_TYPE_NAMES.get(type) ?? `TYPE_${type}`,
    // A block without a filter entry (genesis, config) is valid by construction.
    validationCode: code === undefined ? 'VALID' : validationCodeName(code),
    creatorMspId: creator.getMspid(),
    timestamp: timestamp ? new Date(timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6)).toISOString() : null,
  };
  if (type === common.HeaderType.CONFIG) return { ...base, chaincode: null, function: null, writes: [], configChanges: configChangesOf(payload.getData_asU8()) };
  if (type !== common.HeaderType.ENDORSER_TRANSACTION) return { ...base, chaincode: null, function: null, writes: [], configChanges: null };
  return { ...base, ...decodeEndorserAction(payload.getData_asU8(), namespace), configChanges: null };
}

function decodeEndorserAction(data: Uint8Array, namespace: string): Pick<BlockTransaction, 'chaincode' | 'function' | 'writes'> {
  const action = peer.Transaction.deserializeBinary(data).getActionsList()[0];
  if (!action) return { chaincode: null, function: null, writes: [] };
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array());
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(
    peer.ChaincodeProposalPayload.deserializeBinary(actionPayload.getChaincodeProposalPayload_asU8()).getInput_asU8(),
  );
  const firstArg = invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8()[0];
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
  const writes: KeyWrite[] = [];
  for (const ns of rwset.getNsRwsetList()) {
    if (ns.getNamespace() !== namespace) continue;
    for (const write of ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList()) {
      const key = splitCompositeKey(write.getKey());
      if (key) writes.push({ ...key, value: write.getIsDelete() ? null : Buffer.from(write.getValue_asU8()) });
    }
  }
  return {
    chaincode: chaincodeAction.getChaincodeId()?.getName() ?? null,
    function: firstArg ? Buffer.from(firstArg).toString('utf8') : null,
    writes,
  };
}

/** Fabric's composite key: U+0000, object type, U+0000, then each attribute followed by U+0000. */
export function splitCompositeKey(key: string): { objectType: string; attributes: string[] } | undefined {
  if (!key.startsWith('\u0000')) return undefined;
  const parts = key.slice(1).split('\u0000');
  parts.pop();
  const [objectType, ...attributes] = parts;
  return objectType ? { objectType, attributes } : undefined;
}

function invert(map: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(map).map(([name, value]) => [value, name]));
}
