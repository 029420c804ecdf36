import { common } from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';
import { blockHeaderHash, BlockSource, LedgerDigest, verifyChain } from './ledger';
import { block as unsignedBlock, configBlock, Credential, signBlock, TestPki } from './test-support/blocks';

let pki: TestPki;
let orderer: Credential;
let rootCertificate: string;

beforeAll(() => {
  pki = new TestPki();
  const ca = pki.ca('orderer');
  rootCertificate = ca.certificate;
  orderer = pki.issue(ca, 'OrdererMSP', 'orderer0', 'orderer');
});


/** A chain of blocks built the way Fabric links and signs them: a genesis config block, then blocks of two transactions. */
function chain(length: number, signer = orderer, root = rootCertificate): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let previous: Buffer = Buffer.alloc(0);
  for (let n = 0; n < length; n++) {
    const block = n === 0
      ? configBlock(0, { ordererMspId: 'OrdererMSP', rootCertificates: [root] })
      : unsignedBlock(n, [Buffer.from(`tx-${n}-a`), Buffer.from(`tx-${n}-b`)]);
    const dataHash = createHash('sha256').update(Buffer.concat(block.getData()!.getDataList_asU8())).digest();
    const header = block.getHeader()!;
    header.setPreviousHash(previous);
    header.setDataHash(dataHash);
    if (n > 0) signBlock(block, [signer]);
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

  test('a block whose header was rewritten to match new data fails: its orderer signature no longer covers it', async () => {
    const blocks = chain(6);
    blocks[2] = rewritten(blocks[2]!).serializeBinary();
    const result = await verifyChain(sourceOf(blocks));
    expect(result).toMatchObject({ ok: false, blockNumber: 2 });
    if (!result.ok) expect(result.reason).toMatch(/signature does not verify/);
  });

  test('a rewritten block signed again by an orderer still breaks the link from the next block', async () => {
    const blocks = chain(6);
    const block = rewritten(blocks[2]!);
    signBlock(block, [orderer]);
    blocks[2] = block.serializeBinary();
    const result = await verifyChain(sourceOf(blocks));
    expect(result).toMatchObject({ ok: false, blockNumber: 3 });
    if (!result.ok) expect(result.reason).toContain('previous-block hash');
  });

  test('a digest saved before a block was rewritten, and re-signed, exposes it', async () => {
    const blocks = chain(5);
    const saved = await verifyChain(sourceOf(blocks));
    if (!saved.ok) throw new Error('expected ok');
    const block = rewritten(blocks[4]!);
    signBlock(block, [orderer]);
    blocks[4] = block.serializeBinary();
    expect(await verifyChain(sourceOf(blocks), { expect: saved.digest })).toMatchObject({ ok: false, blockNumber: 4 });
  });

  test("a chain whose genesis block is not the channel's (a whole forged chain) fails at block 0 when the genesis hash is known", async () => {
    const genuine = chain(3);
    const genesisHash = blockHeaderHash(0, Buffer.alloc(0), common.Block.deserializeBinary(genuine[0]!).getHeader()!.getDataHash_asU8()).toString('hex');
    expect(await verifyChain(sourceOf(genuine), { genesisHash })).toMatchObject({ ok: true });
    const impostorCa = pki.ca('impostor');
    const forged = chain(3, pki.issue(impostorCa, 'OrdererMSP', 'orderer0', 'orderer'), impostorCa.certificate);
    expect(await verifyChain(sourceOf(forged))).toMatchObject({ ok: true }); // self-consistent, signatures included
    const result = await verifyChain(sourceOf(forged), { genesisHash });
    expect(result).toMatchObject({ ok: false, blockNumber: 0 });
    if (!result.ok) expect(result.reason).toMatch(/^block 0: it is not this channel's genesis block/);
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

/** The block with its transactions replaced and its data hash made to match (its signature is now stale). */
function rewritten(bytes: Uint8Array): common.Block {
  const block = common.Block.deserializeBinary(bytes);
  const envelopes = [Buffer.from('forged')];
  block.getData()?.setDataList(envelopes);
  block.getHeader()?.setDataHash(createHash('sha256').update(envelopes[0]!).digest());
  return block;
}
