// The verifier on a channel built as Fabric builds one (test-support/chain.ts): an intact
// receipt verifies, and one changed byte anywhere that matters fails, naming what was tampered.
import { common } from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';
import { setValidationCode, signBlock } from '../../client/src/test-support/blocks';
import { blockHeaderHash } from './block';
import { fromBase64, toBase64, toHex } from './bytes';
import { Receipt } from './receipt';
import { buildChain, receiptOf, TestChain } from './test-support/chain';
import { verifyReceipt } from './verify';

let chain: TestChain;
let receipt: Receipt;

beforeAll(async () => {
  chain = buildChain();
  receipt = await receiptOf(chain);
});


/** A deep copy to tamper with. */
interface Tx { txId: string; blockNumber: number; blockHash: string; block: string }
type Tampered = Omit<Receipt, 'donation' | 'pledge' | 'settlement' | 'configBlocks'> & {
  donation: Record<string, unknown>; pledge: Tx; settlement: Tx; configBlocks: [{ blockNumber: number; block: string }, { blockNumber: number; block: string }];
};
const copy = (): Tampered => JSON.parse(JSON.stringify(receipt));

/** The receipt with one block's bytes changed by `edit` (base64 in, base64 out). */
function withBlock(edit: (block: common.Block) => void, which: 'pledge' | 'settlement' = 'pledge'): Tampered {
  const tampered = copy();
  const block = common.Block.deserializeBinary(fromBase64(tampered[which].block));
  edit(block);
  tampered[which].block = toBase64(block.serializeBinary());
  return tampered;
}

function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('an intact receipt', () => {
  test('with pledge and settlement verifies, reporting every check and the genesis hash it rests on', async () => {
    const result = await verifyReceipt(receipt);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.checks.every((c) => c.ok)).toBe(true);
    expect(result.checks.map((c) => `${c.subject}: ${c.id}`)).toEqual(expect.arrayContaining([
      'genesis block: genesis', 'config block 2: orderer-signatures', 'pledge block 3: data-hash', 'pledge block 3: orderer-signatures',
      'pledge block 3: transaction-in-block', 'pledge block 3: donation-write', 'settlement block 5: donation-write',
    ]));
    expect(result.genesisHash).toBe(receipt.genesisHash);
    expect(result.anchored).toBe(false);
  });

  test('reports the validation flag as the peer\'s word, not signed by the orderers', async () => {
    const result = await verifyReceipt(receipt);
    if (!result.ok) throw new Error(result.failure.detail);
    expect(result.transactions.map((t) => [t.role, t.validationCode.name, t.validationCode.signed])).toEqual([['pledge', 'VALID', false], ['settlement', 'VALID', false]]);
    expect(result.transactions[0]!.validationCode.note).toMatch(/reported by the peer .*not signed/);
  });

  test('a pledge-only receipt verifies against the pledge write exactly', async () => {
    expect(await verifyReceipt(await receiptOf(chain, false))).toMatchObject({ ok: true });
  });

  test('holds config blocks 0 and 2: the chain found by walking back from the config in force', () => {
    expect(receipt.configBlocks.map((b) => b.blockNumber)).toEqual([0, 2]);
  });

  test('verifies with the trusted genesis hash, and is anchored', async () => {
    expect(await verifyReceipt(receipt, { trustedGenesisHash: receipt.genesisHash })).toMatchObject({ ok: true, anchored: true });
  });
});

describe('a tampered receipt fails, naming why', () => {
  test('a changed donation amount: the donation differs from the write set', async () => {
    const tampered = copy();
    tampered.donation.amount = '25000';
    expect(await verifyReceipt(tampered)).toMatchObject({
      ok: false, failure: { id: 'donation-write', subject: 'pledge block 3', detail: expect.stringMatching(/tampered: the donation in the receipt differs from the write set \(amount: the receipt says "25000", the ledger wrote "2500"/) },
    });
  });

  test('a changed status in a pledge-only receipt fails: the pledge write is compared exactly', async () => {
    const tampered: any = JSON.parse(JSON.stringify(await receiptOf(chain, false)));
    tampered.donation.status = 'settled';
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'donation-write', detail: expect.stringMatching(/status/) } });
  });

  test('one changed byte in the written amount inside the block: block data hash mismatch', async () => {
    const tampered = copy();
    const bytes = fromBase64(tampered.pledge.block);
    const at = findBytes(bytes, new TextEncoder().encode('"amount":"2500"'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 11] = '9'.charCodeAt(0);
    tampered.pledge.block = toBase64(bytes);
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'data-hash', subject: 'pledge block 3', detail: 'tampered: the block data hash does not match its transactions' } });
  });

  test('new block data with its data hash rewritten: the header hash differs from the receipt', async () => {
    const tampered = withBlock((block) => {
      block.getData()!.setDataList([Buffer.from('forged')]);
      block.getHeader()!.setDataHash(createHash('sha256').update('forged').digest());
    });
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'header-hash', detail: expect.stringMatching(/^tampered: the header hash is/) } });
  });

  test('new block data, data hash and stated header hash: the orderer signature does not verify', async () => {
    const tampered = withBlock((block) => {
      block.getData()!.setDataList([Buffer.from('forged')]);
      block.getHeader()!.setDataHash(createHash('sha256').update('forged').digest());
    });
    const block = common.Block.deserializeBinary(fromBase64(tampered.pledge.block));
    const header = block.getHeader()!;
    tampered.pledge.blockHash = toHex(await blockHeaderHash(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8()));
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'orderer-signatures', detail: expect.stringMatching(/the signature does not verify/) } });
  });

  test('one flipped byte in an orderer signature: the signature does not verify', async () => {
    const tampered = withBlock((block) => {
      const list: Uint8Array[] = block.getMetadata()!.getMetadataList_asU8().map((m) => Uint8Array.from(m));
      const metadata = common.Metadata.deserializeBinary(list[0]!);
      const [signature] = metadata.getSignaturesList();
      const bytes: any = Uint8Array.from(signature!.getSignature_asU8());
      bytes[bytes.length - 5] ^= 0x01;
      signature!.setSignature(bytes as Uint8Array);
      list[0] = metadata.serializeBinary();
      block.getMetadata()!.setMetadataList(list);
    });
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'orderer-signatures', detail: expect.stringMatching(/orderer1: the signature does not verify/) } });
  });

  test('a block re-signed by an orderer the configuration does not name fails the BlockValidation policy', async () => {
    const impostor = chain.pki.issue(chain.pki.ca('impostor'), 'OrdererMSP', 'orderer9', 'orderer');
    const tampered = withBlock((block) => signBlock(block, [impostor]));
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'orderer-signatures', detail: expect.stringMatching(/not issued by a CA of OrdererMSP/) } });
  });

  test('a receipt without config block 2 fails: the pledge block\'s signed metadata names it as in force', async () => {
    const tampered = copy();
    tampered.configBlocks.pop();
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'config-in-force', detail: expect.stringMatching(/config block in force \(2\) is not among/) } });
  });

  test('a config block of a skipped sequence number fails: a config update is missing', async () => {
    const tampered = copy();
    const block = common.Block.deserializeBinary(fromBase64(tampered.configBlocks[1].block));
    const envelope = common.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[0]!);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
    config.getConfig()!.setSequence(2);
    payload.setData(config.serializeBinary());
    envelope.setPayload(payload.serializeBinary());
    block.getData()!.setDataList([envelope.serializeBinary()]);
    block.getHeader()!.setDataHash(createHash('sha256').update(envelope.serializeBinary()).digest());
    signBlock(block, [chain.orderer]);
    tampered.configBlocks[1].block = toBase64(block.serializeBinary());
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'config-chain', detail: 'configuration sequence 2 does not follow 0: a config update is missing' } });
  });

  test('a changed byte in a config block: data hash mismatch of that config block', async () => {
    const tampered = copy();
    const bytes = fromBase64(tampered.configBlocks[1].block);
    const at = findBytes(bytes, new TextEncoder().encode('BEGIN CERTIFICATE'));
    bytes[at] = 'X'.charCodeAt(0);
    tampered.configBlocks[1].block = toBase64(bytes);
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'data-hash', subject: 'config block 2' } });
  });

  test('a genesis block other than the trusted one fails at the genesis check', async () => {
    expect(await verifyReceipt(receipt, { trustedGenesisHash: '00'.repeat(32) })).toMatchObject({
      ok: false, failure: { id: 'genesis', detail: expect.stringMatching(/not the trusted genesis block/) },
    });
  });

  test('a transaction ID that is not in the block: tx not in block', async () => {
    const tampered = copy();
    tampered.pledge.txId = 'tx-elsewhere';
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'transaction-in-block', detail: 'transaction tx-elsewhere is not in the block' } });
  });

  test('a pledge the peer marked invalid fails, saying the flag is the peer\'s word', async () => {
    const tampered = withBlock((block) => setValidationCode(block, 1, 11));
    expect(await verifyReceipt(tampered)).toMatchObject({ ok: false, failure: { id: 'validation-code', detail: expect.stringMatching(/MVCC_READ_CONFLICT \(reported by the peer/) } });
  });
});

describe('a document that is not a receipt', () => {
  test.each([
    ['null', null, /the receipt is missing/],
    ['another format version', { ...JSON.parse(JSON.stringify({})), format: 'donation-ledger-receipt/2' }, /format is "donation-ledger-receipt\/2"/],
  ])('%s fails the format check', async (_, document, reason) => {
    expect(await verifyReceipt(document)).toMatchObject({ ok: false, failure: { id: 'format', detail: expect.stringMatching(reason) } });
  });

  test('a receipt without its pledge fails the format check naming the field', async () => {
    expect(await verifyReceipt({ ...copy(), pledge: undefined })).toMatchObject({ ok: false, failure: { id: 'format', detail: 'pledge is missing or not an object' } });
  });
});
