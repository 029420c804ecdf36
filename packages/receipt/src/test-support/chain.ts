// A small channel for receipt tests, built as Fabric builds one: a genesis config block, a
// config update, a pledge block and a settlement block, with real write sets, linked and signed
// by an orderer (the SDK's openssl test PKI). Tests tamper with the receipt made from it.
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { createHash, randomBytes } from 'node:crypto';
import type { Donation } from '@donation-ledger/model';
import { block, configBlock, Credential, signBlock, TestPki } from '../../../client/src/test-support/blocks';
import { blockHeaderDer } from '../der';
import { assembleReceipt } from '../assemble';
import { compositeKey } from '../block';
import { Receipt } from '../receipt';

export const CHANNEL = 'test';
export const CHAINCODE = 'donations';
const MSP = 'OrdererMSP';

export const pledged: Donation & { docType: string } = {
  docType: 'donation', id: 'don-1', ngoId: 'ngo-1', campaignId: '', amount: '2500', currency: 'EUR', status: 'pledged', remaining: '0', refunded: '0',
  donor: { mspId: 'DonorPlatformMSP', key: 'ab'.repeat(20) }, donatedAt: '2026-01-01T10:00:00.000Z', expiresAt: '2026-01-31T10:00:00.000Z',
  settledAt: '', settlementBatchId: '', paymentRef: '', cancelledAt: '', txId: 'tx-pledge',
};
export const settled = { ...pledged, status: 'settled' as const, remaining: '2500', settledAt: '2026-01-02T10:00:00.000Z', settlementBatchId: 'batch-1', paymentRef: 'pay-1' };

export interface TestChain {
  readonly blocks: Uint8Array[];
  readonly orderer: Credential;
  readonly successor: Credential;
  readonly pki: TestPki;
}

/** Blocks: 0 genesis (orderer CA 1), 1 filler, 2 config update (adds orderer CA 2), 3 pledge, 4 other, 5 settlement. */
export function buildChain(): TestChain {
  const pki = new TestPki();
  const ca = pki.ca('orderer');
  const ca2 = pki.ca('orderer2');
  const orderer = pki.issue(ca, MSP, 'orderer0', 'orderer');
  const successor = pki.issue(ca2, MSP, 'orderer1', 'orderer');
  const messages = [
    configBlock(0, { ordererMspId: MSP, rootCertificates: [ca.certificate] }),
    block(1, [randomBytes(40)], 0),
    withSequence(configBlock(2, { ordererMspId: MSP, rootCertificates: [ca.certificate, ca2.certificate] }), 1),
    block(3, [endorserTransaction('tx-other', [['x', '1']]), endorserTransaction('tx-pledge', [[compositeKey('donation', 'don-1'), JSON.stringify(sortKeys(pledged))]])], 2),
    block(4, [randomBytes(40)], 2),
    block(5, [endorserTransaction('tx-settle', [[compositeKey('donation', 'don-1'), JSON.stringify(sortKeys(settled))], [compositeKey('settlement', 'batch-1'), '{}']])], 2),
  ];
  let previous = new Uint8Array();
  for (const message of messages) {
    const header = message.getHeader()!;
    header.setPreviousHash(previous);
    header.setDataHash(createHash('sha256').update(Buffer.concat(message.getData()!.getDataList_asU8())).digest());
    const n = header.getNumber();
    if (n > 0) signBlock(message, [n > 2 ? successor : orderer]);
    previous = createHash('sha256').update(blockHeaderDer(n, header.getPreviousHash_asU8(), header.getDataHash_asU8())).digest();
  }
  return { blocks: messages.map((m) => m.serializeBinary()), orderer, successor, pki };
}

export function receiptOf(chain: TestChain, settledToo = true): Promise<Receipt> {
  return assembleReceipt({
    channel: CHANNEL, chaincode: CHAINCODE, donationId: 'don-1',
    pledge: { txId: 'tx-pledge', block: chain.blocks[3]! },
    ...(settledToo ? { settlement: { txId: 'tx-settle', block: chain.blocks[5]! } } : {}),
    readBlock: (n) => Promise.resolve(chain.blocks[n]!),
    issuedAt: new Date('2026-01-03T00:00:00Z'),
  });
}

function withSequence(message: common.Block, sequence: number): common.Block {
  const envelope = common.Envelope.deserializeBinary(message.getData()!.getDataList_asU8()[0]!);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const configEnvelope = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
  configEnvelope.getConfig()!.setSequence(sequence);
  payload.setData(configEnvelope.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  message.getData()!.setDataList([envelope.serializeBinary()]);
  return message;
}

/** An endorser transaction envelope whose write set (namespace CHAINCODE) holds these key/value writes. */
export function endorserTransaction(txId: string, writes: readonly [string, string][]): Uint8Array {
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  kv.setWritesList(writes.map(([key, value]) => {
    const write = new ledger.rwset.kvrwset.KVWrite();
    write.setKey(key);
    write.setValue(Buffer.from(value));
    return write;
  }));
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(CHAINCODE);
  ns.setRwset(kv.serializeBinary());
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setNsRwsetList([ns]);
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  const response = new peer.ProposalResponsePayload();
  response.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(response.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(CHANNEL);
  channelHeader.setTxId(txId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}
