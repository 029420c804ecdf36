import { common } from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';
import { blockHeaderHash, BlockSource, LedgerDigest, verifyChain } from './ledger';

/** A chain of blocks built the way Fabric links them. */
function chain(length: number): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let previous: Buffer = Buffer.alloc(0);
  for (let n = 0; n < length; n++) {
    const envelopes = [Buffer.from(`tx-${n}-a`), Buffer.from(`tx-${n}-b`)];
    const dataHash = createHash('sha256').update(Buffer.concat(envelopes)).digest();
    const header = new common.BlockHeader();
    header.setNumber(n);
    header.setPreviousHash(previous);
    header.setDataHash(dataHash);
    const data = new common.BlockData();
    data.setDataList(envelopes);
    const block = new common.Block();
    block.setHeader(header);
    block.setData(data);
    blocks.push(block.serializeBinary());
    previous = blockHeaderHash(n, previous, dataHash);
  }
  return blocks;
}

const sourceOf = (blocks: Uint8Array[]): BlockSource => ({
  channel: 'donations',
  height: () => Promise.resolve(blocks.length),
  block: (n) => Promise.resolve(blocks[n] as Uint8Array),
});

describe('verifying the block hash chain', () => {
  test('an intact chain verifies, and its digest is the hash of the last header', async () => {
    const result = await verifyChain(sourceOf(chain(5)));
    expect(result).toMatchObject({ ok: true, blocksChecked: 5, digest: { channel: 'donations', height: 5 } });
  });

  test('the header hash is SHA-256 of DER(number, previous hash, data hash)', () => {
    // DER: 30 len | 02 01 01 | 04 01 aa | 04 01 bb
    const expected = createHash('sha256').update(Buffer.from('300902010104' + '01aa' + '0401bb', 'hex')).digest('hex');
    expect(blockHeaderHash(1, Buffer.from([0xaa]), Buffer.from([0xbb])).toString('hex')).toBe(expected);
    // 128 needs a leading zero byte to stay positive: 02 02 00 80
    const big = createHash('sha256').update(Buffer.from('3008' + '02020080' + '0400' + '0400', 'hex')).digest('hex');
    expect(blockHeaderHash(128, Buffer.alloc(0), Buffer.alloc(0)).toString('hex')).toBe(big);
  });

  test('a changed transaction is found in its block', async () => {
    const blocks = chain(6);
    const block = common.Block.deserializeBinary(blocks[3] as Uint8Array);
    block.getData()?.setDataList([Buffer.from('tx-3-A'), Buffer.from('tx-3-b')]);
    blocks[3] = block.serializeBinary();
    expect(await verifyChain(sourceOf(blocks))).toMatchObject({ ok: false, blockNumber: 3 });
  });

  test('a block whose header was rewritten to match new data breaks the link from the next block', async () => {
    const blocks = chain(6);
    const block = common.Block.deserializeBinary(blocks[2] as Uint8Array);
    const envelopes = [Buffer.from('forged')];
    block.getData()?.setDataList(envelopes);
    block.getHeader()?.setDataHash(createHash('sha256').update(envelopes[0] as Buffer).digest());
    blocks[2] = block.serializeBinary();
    const result = await verifyChain(sourceOf(blocks));
    expect(result).toMatchObject({ ok: false, blockNumber: 3 });
    if (!result.ok) expect(result.reason).toContain('previous-block hash');
  });

  test('verification from a trusted digest checks only the blocks after it', async () => {
    const blocks = chain(8);
    const first = await verifyChain(sourceOf(blocks.slice(0, 5)));
    if (!first.ok) throw new Error('expected ok');
    const trusted: LedgerDigest = first.digest;
    expect(await verifyChain(sourceOf(blocks), { trusted })).toMatchObject({ ok: true, blocksChecked: 3 });
    await expect(verifyChain(sourceOf(blocks), { expect: { ...trusted, height: 9 } })).rejects.toThrow('from the future');
  });
});
