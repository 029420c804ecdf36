// Verifying the ledger, as QLDB let you verify its journal: a digest is (height, hash of the last
// block's header); verification re-walks the chain of block headers from genesis (or from a
// trusted earlier digest), recomputing each block's data hash and each header hash, checks each
// block's orderer signatures against the channel configuration in force at that block
// (block-signatures.ts), and names the first block where anything fails.
//
// Fabric hashes a block header as SHA-256 over the DER encoding of
// SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }, and a block's
// data as SHA-256 over its transaction envelopes concatenated. Block metadata (signatures,
// validation codes) is outside the header hash; the orderers' signatures cover the header.
import { common } from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';
import { checkSignaturesAndAdvance, OrdererTrust, ordererTrustOf } from './block-signatures';
import { blockHeaderDer } from '@donation-ledger/receipt';

/** A point in the ledger's history that can be saved and verified later. */
export interface LedgerDigest {
  readonly channel: string;
  /** Number of blocks; the digest covers blocks 0 to height - 1. */
  readonly height: number;
  /** Hex SHA-256 of the header of block height - 1. */
  readonly blockHash: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly digest: LedgerDigest; readonly blocksChecked: number }
  | { readonly ok: false; readonly blockNumber: number; readonly reason: string; readonly blocksChecked: number };

/** Where verification reads blocks from: the live ledger, or any copy of its block stream. */
export interface BlockSource {
  readonly channel: string;
  height(): Promise<number>;
  /** The serialized common.Block with this number. */
  block(number: number): Promise<Uint8Array>;
  /**
   * Optional push delivery: serialized blocks from `startBlock` on, as the peer commits them,
   * until closed (a follower uses it instead of polling the height).
   */
  blocks?(startBlock: number): Promise<BlockStream>;
}

/** Serialized blocks in order; close() ends the iteration. */
export interface BlockStream extends AsyncIterable<Uint8Array> {
  close(): void;
}

export interface ParsedBlock {
  readonly number: number;
  readonly previousHash: Buffer;
  readonly dataHash: Buffer;
  readonly headerHash: Buffer;
  /** SHA-256 of the block's envelopes as they are, to compare with dataHash. */
  readonly computedDataHash: Buffer;
  readonly transactionCount: number;
}

export function parseBlock(bytes: Uint8Array): ParsedBlock {
  return parseBlockMessage(common.Block.deserializeBinary(bytes));
}

export function parseBlockMessage(block: common.Block): ParsedBlock {
  const header = block.getHeader();
  if (!header) throw new Error('block has no header');
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const number = header.getNumber();
  const previousHash = Buffer.from(header.getPreviousHash_asU8());
  const dataHash = Buffer.from(header.getDataHash_asU8());
  return {
    number,
    previousHash,
    dataHash,
    headerHash: blockHeaderHash(number, previousHash, dataHash),
    computedDataHash: createHash('sha256').update(Buffer.concat(envelopes.map((e) => Buffer.from(e)))).digest(),
    transactionCount: envelopes.length,
  };
}

export function blockHeaderHash(number: number, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
  return createHash('sha256').update(blockHeaderDer(number, previousHash, dataHash)).digest();
}

export interface VerifyOptions {
  /** A digest saved earlier that the chain must pass through. */
  readonly expect?: LedgerDigest;
  /** A digest known to be good: verification starts after it. */
  readonly trusted?: LedgerDigest;
  /**
   * Hex header hash of the channel's genesis block, from a source independent of the peer (the
   * channel's creation artifacts or the connection profile). Without it, a peer that forges a
   * whole chain, genesis and orderer CA included, would pass.
   */
  readonly genesisHash?: string;
}

/**
 * Walks blocks `from.height` (0 when no trusted digest is given) to the tip, checking each block's
 * data hash, its link to the previous header, its orderer signatures, and, when given, that the
 * chain passes through `expect` (a digest saved earlier). Reports the first block where anything
 * does not match. The genesis block is the root of trust (it is not signed): its configuration
 * names the orderers whose signatures count, and each config block after it changes that set.
 */
export async function verifyChain(source: BlockSource, options: VerifyOptions = {}): Promise<VerifyResult> {
  const { expect, trusted } = options;
  for (const digest of [expect, trusted]) {
    if (digest && digest.channel !== source.channel) {
      throw new RangeError(`the digest is of channel "${digest.channel}", not "${source.channel}"`);
    }
  }
  const height = await source.height();
  if (expect && expect.height > height) {
    throw new RangeError(`the digest is from the future: it covers ${expect.height} blocks, the ledger has ${height}`);
  }
  if (trusted && trusted.height > height) throw new RangeError(`the trusted digest covers ${trusted.height} blocks, the ledger has ${height}`);
  if (trusted && expect && trusted.height > expect.height) throw new RangeError('the trusted digest is newer than the digest to verify');
  if (expect && expect.height === 0 && expect.blockHash !== '') throw new RangeError('a digest of height 0 has no block hash');
  if (trusted && expect && trusted.height === expect.height && trusted.blockHash !== expect.blockHash) {
    return { ok: false, blockNumber: expect.height - 1, reason: `block ${expect.height - 1}: the saved digest and the trusted digest differ`, blocksChecked: 0 };
  }

  let previousHeaderHash: Buffer | undefined = trusted ? Buffer.from(trusted.blockHash, 'hex') : undefined;
  let trust: OrdererTrust | undefined;
  let checked = 0;
  if (trusted && trusted.height > 0) {
    const anchored = await trustAtDigest(source, trusted);
    if ('reason' in anchored) return { ok: false, blockNumber: anchored.blockNumber, reason: anchored.reason, blocksChecked: 0 };
    trust = anchored.trust;
  }
  let last: ParsedBlock | undefined;
  for (let n = trusted?.height ?? 0; n < height; n++) {
    let message: common.Block;
    let block: ParsedBlock;
    try {
      message = common.Block.deserializeBinary(await source.block(n));
      block = parseBlockMessage(message);
    } catch (err) {
      return { ok: false, blockNumber: n, reason: `block ${n} cannot be read: ${(err as Error).message}`, blocksChecked: checked };
    }
    checked++;
    const fail = (reason: string): VerifyResult => ({ ok: false, blockNumber: n, reason, blocksChecked: checked });
    if (block.number !== n) return fail(`block ${n} says it is block ${block.number}`);
    if (!block.computedDataHash.equals(block.dataHash)) return fail(`block ${n}: its transactions do not match its data hash`);
    if (previousHeaderHash && !block.previousHash.equals(previousHeaderHash)) {
      return fail(`block ${n}: its previous-block hash does not match the header of block ${n - 1}`);
    }
    if (n === 0 && options.genesisHash !== undefined && block.headerHash.toString('hex') !== options.genesisHash) {
      return fail(`block 0: it is not this channel's genesis block (its hash is ${block.headerHash.toString('hex')}, expected ${options.genesisHash})`);
    }
    if (expect && n === expect.height - 1 && block.headerHash.toString('hex') !== expect.blockHash) {
      return fail(`block ${n}: its header hash differs from the saved digest`);
    }
    const signatures = await checkSignaturesAndAdvance(message, n, trust);
    if ('reason' in signatures) return fail(`block ${n}: ${signatures.reason}`);
    trust = signatures.trust;
    previousHeaderHash = block.headerHash;
    last = block;
  }
  const blockHash = last ? last.headerHash.toString('hex') : (trusted?.blockHash ?? '');
  return { ok: true, digest: { channel: source.channel, height, blockHash }, blocksChecked: checked };
}

/**
 * The configuration in force at a trusted digest: the last config block before it (named in the
 * signature metadata of the digest's block), authenticated by walking the hash links from it to
 * the digest's block. A config block met on the way replaces it, so a stale index cannot hide a
 * newer configuration.
 */
async function trustAtDigest(source: BlockSource, trusted: LedgerDigest): Promise<{ trust: OrdererTrust } | { blockNumber: number; reason: string }> {
  const tip = trusted.height - 1;
  const tipBlock = common.Block.deserializeBinary(await source.block(tip));
  const signatures = tipBlock.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES] ?? new Uint8Array();
  const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
  const lastConfig = tip === 0 ? 0 : (common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig()?.getIndex() ?? -1);
  if (lastConfig < 0 || lastConfig > tip) return { blockNumber: tip, reason: `block ${tip}: its metadata names no valid last config block` };
  let trust: OrdererTrust | undefined;
  let previous: Buffer | undefined;
  for (let n = lastConfig; n <= tip; n++) {
    const message = n === tip ? tipBlock : common.Block.deserializeBinary(await source.block(n));
    const block = parseBlockMessage(message);
    if (previous && !block.previousHash.equals(previous)) return { blockNumber: n, reason: `block ${n}: its previous-block hash does not match the header of block ${n - 1}` };
    try {
      trust = ordererTrustOf(message) ?? trust;
    } catch (err) {
      return { blockNumber: n, reason: `block ${n}: its channel configuration cannot be read: ${(err as Error).message}` };
    }
    previous = block.headerHash;
  }
  if (!previous?.equals(Buffer.from(trusted.blockHash, 'hex'))) return { blockNumber: tip, reason: `block ${tip}: its header hash differs from the trusted digest` };
  if (!trust) return { blockNumber: lastConfig, reason: `block ${lastConfig}: named as the last config block, it holds no configuration` };
  return { trust };
}
