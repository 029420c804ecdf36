// Orderer signatures on blocks, checked as a Fabric peer checks them: against the channel's
// `/Channel/Orderer/BlockValidation` policy in the configuration in force when the block was cut.
// A hash chain alone proves only that a chain is self-consistent; the signatures prove the
// ordering service produced it.
//
// The implementation is @donation-ledger/receipt's (orderer-trust.ts): one isomorphic version,
// WebCrypto only, so that a receipt checked in a browser is checked exactly as the SDK and the
// indexer check blocks. This module adapts Fabric's decoded blocks (common.Block) to it.
import { common } from '@hyperledger/fabric-protos';
import * as receipt from '@donation-ledger/receipt';
import type { Block, OrdererTrust, SignatureCheck } from '@donation-ledger/receipt';

export type { OrdererTrust, SignatureCheck };

/** A view of a decoded block as the receipt package reads blocks (no copy of its bytes). */
export function blockView(block: common.Block): Block {
  const header = block.getHeader();
  if (!header) throw new Error('the block has no header');
  return {
    number: header.getNumber(),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
    envelopes: block.getData()?.getDataList_asU8() ?? [],
    metadata: block.getMetadata()?.getMetadataList_asU8() ?? [],
  };
}

/** The orderer trust of a config block, or undefined when the block is not a config block. */
export function ordererTrustOf(block: common.Block): OrdererTrust | undefined {
  return receipt.ordererTrustOf(blockView(block));
}

/** Checks the orderer signatures of `block` against the trust of the configuration in force. */
export function checkBlockSignatures(block: common.Block, trust: OrdererTrust): Promise<SignatureCheck> {
  if (!block.getHeader()) return Promise.resolve({ ok: false, reason: 'the block has no header' });
  return receipt.checkBlockSignatures(blockView(block), trust);
}

/**
 * Checks block `n`'s orderer signatures against `trust` (the configuration in force before it;
 * none for the genesis block, which is the root of trust) and returns the trust for the next
 * block (this block's configuration when it is a config block), or why the block fails.
 */
export async function checkSignaturesAndAdvance(block: common.Block, n: number, trust: OrdererTrust | undefined): Promise<{ trust: OrdererTrust } | { reason: string }> {
  if (!block.getHeader()) return { reason: 'the block has no header' };
  const view = blockView(block);
  if (view.number !== n) return { reason: `it says it is block ${view.number}` };
  return receipt.checkSignaturesAndAdvance(view, trust);
}
