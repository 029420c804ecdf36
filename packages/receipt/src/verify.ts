// Verifying a receipt offline, from its own bytes and a trust anchor (the genesis block's hash,
// which the consortium publishes). Each check is reported; verification stops at the first that
// fails, naming what was tampered with. Runs in Node and in browsers (WebCrypto only).
import { RecordType } from '@donation-ledger/model';
import {
  Block, compositeKey, computedDataHashOf, decodeBlock, HeaderType, headerHashOf, lastConfigOf, MetadataIndex, Transaction, transactionsOf, writesOf,
} from './block';
import { equalBytes, fromBase64, toHex, utf8 } from './bytes';
import { checkBlockSignatures, OrdererTrust, ordererTrustOf } from './orderer-trust';
import { MalformedReceiptError, parseReceipt, Receipt, ReceiptTransaction } from './receipt';

/** What each check is about; stable codes for programs, with a human `detail`. */
export type CheckId =
  | 'format' | 'genesis' | 'config-chain' | 'data-hash' | 'header-hash' | 'orderer-signatures' | 'config-in-force'
  | 'transaction-in-block' | 'validation-code' | 'donation-write';

export interface ReceiptCheck {
  readonly id: CheckId;
  /** What was checked, e.g. "pledge block 12" or "config block 3". */
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerifiedTransaction {
  readonly role: 'pledge' | 'settlement';
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** Fabric's TxValidationCode from the block's TRANSACTIONS_FILTER metadata. */
  readonly validationCode: { readonly code: number; readonly name: string; readonly signed: false; readonly note: string };
}

export type ReceiptVerification =
  | {
    readonly ok: true;
    readonly checks: readonly ReceiptCheck[];
    /** Hex header hash of the receipt's genesis block: compare it with the one the consortium publishes. */
    readonly genesisHash: string;
    /** Whether the genesis hash was compared with a trusted one (options.trustedGenesisHash). */
    readonly anchored: boolean;
    readonly transactions: readonly VerifiedTransaction[];
  }
  | {
    readonly ok: false;
    readonly checks: readonly ReceiptCheck[];
    /** The first check that failed (also the last entry of `checks`). */
    readonly failure: ReceiptCheck;
  };

export interface VerifyReceiptOptions {
  /** Hex header hash of the channel's genesis block, from a source other than the receipt (the consortium publishes it). */
  readonly trustedGenesisHash?: string;
}

const VALIDATION_CODES = [
  'VALID', 'NIL_ENVELOPE', 'BAD_PAYLOAD', 'BAD_COMMON_HEADER', 'BAD_CREATOR_SIGNATURE', 'INVALID_ENDORSER_TRANSACTION', 'INVALID_CONFIG_TRANSACTION',
  'UNSUPPORTED_TX_PAYLOAD', 'BAD_PROPOSAL_TXID', 'DUPLICATE_TXID', 'ENDORSEMENT_POLICY_FAILURE', 'MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT',
  'UNKNOWN_TX_TYPE', 'TARGET_CHAIN_NOT_FOUND', 'MARSHAL_TX_ERROR', 'NIL_TXACTION', 'EXPIRED_CHAINCODE', 'CHAINCODE_VERSION_CONFLICT',
  'BAD_HEADER_EXTENSION', 'BAD_CHANNEL_HEADER', 'BAD_RESPONSE_PAYLOAD', 'BAD_RWSET', 'ILLEGAL_WRITESET', 'INVALID_WRITESET', 'INVALID_CHAINCODE',
];
const validationCodeName = (code: number): string => VALIDATION_CODES[code] ?? ({ 254: 'NOT_VALIDATED', 255: 'INVALID_OTHER_REASON' } as Record<number, string>)[code] ?? `CODE_${code}`;
const UNSIGNED_FLAG = 'reported by the peer that served the block, not signed by the orderers';

/**
 * The fields a pledge fixes and a settlement keeps: a settled receipt's donation must agree with
 * what the pledge wrote on these (status, remaining and settlement fields change when settled).
 */
const PLEDGE_FIELDS = ['id', 'ngoId', 'campaignId', 'amount', 'currency', 'donor', 'donatedAt', 'expiresAt', 'txId'] as const;

class CheckFailed extends Error {
  constructor(readonly check: ReceiptCheck) {
    super(check.detail);
  }
}

/** Records passed checks; `fail` stops verification with the failed one. */
class Checks {
  readonly list: ReceiptCheck[] = [];

  pass(id: CheckId, subject: string, detail: string): void {
    this.list.push({ id, subject, ok: true, detail });
  }

  fail(id: CheckId, subject: string, detail: string): never {
    const check = { id, subject, ok: false, detail };
    this.list.push(check);
    throw new CheckFailed(check);
  }
}

/**
 * Verifies a receipt (the parsed JSON document) without trusting whoever served it: block
 * hashes, orderer signatures under the channel configuration in force (each config block signed
 * under the one before, from the genesis block), and that the donation in the receipt is what
 * the transaction wrote. Never throws for a bad receipt: the result names the first failed check.
 */
export async function verifyReceipt(document: unknown, options: VerifyReceiptOptions = {}): Promise<ReceiptVerification> {
  const checks = new Checks();
  try {
    let receipt: Receipt;
    try {
      receipt = parseReceipt(document);
    } catch (err) {
      if (err instanceof MalformedReceiptError) checks.fail('format', 'the receipt', err.message);
      throw err;
    }
    checks.pass('format', 'the receipt', `${receipt.format}, donation ${receipt.donation.id} on channel ${receipt.channel}`);
    const { genesisHash, trusts } = await checkConfigChain(receipt, options, checks);
    const transactions = [await checkTransaction(receipt, receipt.pledge, 'pledge', trusts, checks)];
    if (receipt.settlement) transactions.push(await checkTransaction(receipt, receipt.settlement, 'settlement', trusts, checks));
    return { ok: true, checks: checks.list, genesisHash, anchored: options.trustedGenesisHash !== undefined, transactions };
  } catch (err) {
    if (err instanceof CheckFailed) return { ok: false, checks: checks.list, failure: err.check };
    throw err;
  }
}

function readBlock(base64: string, expectedNumber: number, subject: string, checks: Checks): Block {
  let block: Block;
  try {
    block = decodeBlock(fromBase64(base64));
  } catch (err) {
    return checks.fail('data-hash', subject, `the block cannot be read: ${(err as Error).message}`);
  }
  if (block.number !== expectedNumber) checks.fail('header-hash', subject, `the block says it is block ${block.number}`);
  return block;
}

async function checkDataHash(block: Block, subject: string, checks: Checks): Promise<void> {
  if (!equalBytes(await computedDataHashOf(block), block.dataHash)) {
    checks.fail('data-hash', subject, 'tampered: the block data hash does not match its transactions');
  }
  checks.pass('data-hash', subject, 'the data hash in the header matches the transactions');
}

/**
 * The genesis block is the anchor (not signed: its hash is what the consortium publishes); each
 * later config block must be signed under the configuration before it, and configuration
 * sequence numbers rise by one, so no config update can be left out.
 */
async function checkConfigChain(receipt: Receipt, options: VerifyReceiptOptions, checks: Checks): Promise<{ genesisHash: string; trusts: OrdererTrust[] }> {
  const trusts: OrdererTrust[] = [];
  let genesisHash = '';
  for (const [i, entry] of receipt.configBlocks.entries()) {
    const subject = entry.blockNumber === 0 ? 'genesis block' : `config block ${entry.blockNumber}`;
    const previous = trusts[i - 1];
    if (i === 0 && entry.blockNumber !== 0) checks.fail('config-chain', subject, 'the config blocks do not start with the genesis block (0)');
    if (previous && entry.blockNumber <= previous.configBlock) checks.fail('config-chain', subject, 'the config blocks are not in ascending order');
    const block = readBlock(entry.block, entry.blockNumber, subject, checks);
    await checkDataHash(block, subject, checks);
    if (previous) {
      const signatures = await checkBlockSignatures(block, previous);
      if (!signatures.ok) checks.fail('orderer-signatures', subject, `the signature does not verify: ${signatures.reason}`);
      checks.pass('orderer-signatures', subject, `signed per config block ${previous.configBlock}: ${signatures.signers.join(', ')}`);
    }
    const trust = configOf(block, receipt.channel, subject, checks);
    if (previous && trust.sequence !== previous.sequence + 1) {
      checks.fail('config-chain', subject, `configuration sequence ${trust.sequence} does not follow ${previous.sequence}: a config update is missing`);
    }
    if (i === 0) genesisHash = await checkGenesis(block, receipt, options, checks);
    else checks.pass('config-chain', subject, `configuration sequence ${trust.sequence}, ${trust.consensusType}, BlockValidation ${trust.policy.text}`);
    trusts.push(trust);
  }
  return { genesisHash, trusts };
}

function configOf(block: Block, channel: string, subject: string, checks: Checks): OrdererTrust {
  let trust: OrdererTrust | undefined;
  try {
    trust = ordererTrustOf(block);
  } catch (err) {
    return checks.fail('config-chain', subject, `its channel configuration cannot be read: ${(err as Error).message}`);
  }
  if (!trust) return checks.fail('config-chain', subject, 'it is not a config block');
  const [transaction] = transactionsOf(block);
  if (transaction?.channel !== channel) checks.fail('config-chain', subject, `it configures channel ${transaction?.channel ?? '?'}, not ${channel}`);
  return trust;
}

async function checkGenesis(block: Block, receipt: Receipt, options: VerifyReceiptOptions, checks: Checks): Promise<string> {
  const hash = toHex(await headerHashOf(block));
  const trusted = options.trustedGenesisHash?.toLowerCase();
  if (trusted !== undefined && hash !== trusted) {
    checks.fail('genesis', 'genesis block', `it is not the trusted genesis block: its header hash is ${hash}, the trusted hash is ${trusted}`);
  }
  if (hash !== receipt.genesisHash.toLowerCase()) checks.fail('header-hash', 'genesis block', `tampered: the header hash is ${hash}, the receipt states ${receipt.genesisHash}`);
  checks.pass('genesis', 'genesis block', trusted !== undefined
    ? `header hash ${hash} is the trusted genesis hash`
    : `header hash ${hash}: not compared with a trusted hash; compare it with the one the consortium publishes (--genesis-hash)`);
  return hash;
}

async function checkTransaction(receipt: Receipt, entry: ReceiptTransaction, role: 'pledge' | 'settlement', trusts: readonly OrdererTrust[], checks: Checks): Promise<VerifiedTransaction> {
  const subject = `${role} block ${entry.blockNumber}`;
  const block = readBlock(entry.block, entry.blockNumber, subject, checks);
  await checkDataHash(block, subject, checks);
  const blockHash = toHex(await headerHashOf(block));
  if (blockHash !== entry.blockHash.toLowerCase()) checks.fail('header-hash', subject, `tampered: the header hash is ${blockHash}, the receipt states ${entry.blockHash}`);
  checks.pass('header-hash', subject, blockHash);

  const trust = configInForce(block, trusts, subject, checks);
  const signatures = await checkBlockSignatures(block, trust);
  if (!signatures.ok) checks.fail('orderer-signatures', subject, `the signature does not verify: ${signatures.reason}`);
  checks.pass('orderer-signatures', subject, `signed per config block ${trust.configBlock} (${trust.policy.text}): ${signatures.signers.join(', ')}`);

  const transaction = findTransaction(block, entry.txId, receipt.channel, subject, checks);
  const validationCode = checkValidationFlag(block, transaction, subject, checks);
  checkDonationWrite(receipt, transaction, role, subject, checks);
  return { role, txId: entry.txId, blockNumber: entry.blockNumber, blockHash, validationCode };
}

/** The configuration the orderers say was in force (signed metadata), which must be in the receipt and be the latest before the block. */
function configInForce(block: Block, trusts: readonly OrdererTrust[], subject: string, checks: Checks): OrdererTrust {
  let index: number;
  try {
    index = lastConfigOf(block);
  } catch {
    return checks.fail('config-in-force', subject, 'its orderer metadata cannot be read');
  }
  const trust = trusts.find((t) => t.configBlock === index);
  if (!trust || index >= block.number) checks.fail('config-in-force', subject, `the config block in force (${index}) is not among the receipt's config blocks`);
  const later = trusts.find((t) => t.configBlock > index && t.configBlock < block.number);
  if (later) checks.fail('config-in-force', subject, `its metadata names config block ${index}, but config block ${later.configBlock} came before it`);
  checks.pass('config-in-force', subject, `config block ${index}`);
  return trust;
}

function findTransaction(block: Block, txId: string, channel: string, subject: string, checks: Checks): Transaction {
  let transactions: Transaction[];
  try {
    transactions = transactionsOf(block);
  } catch (err) {
    return checks.fail('transaction-in-block', subject, `its transactions cannot be read: ${(err as Error).message}`);
  }
  const transaction = transactions.find((t) => t.txId === txId);
  if (!transaction) return checks.fail('transaction-in-block', subject, `transaction ${txId} is not in the block`);
  if (transaction.type !== HeaderType.EndorserTransaction) checks.fail('transaction-in-block', subject, `transaction ${txId} is not a chaincode transaction`);
  if (transaction.channel !== channel) checks.fail('transaction-in-block', subject, `transaction ${txId} is of channel ${transaction.channel}, not ${channel}`);
  checks.pass('transaction-in-block', subject, `transaction ${txId} is number ${transaction.index} of ${block.envelopes.length}, submitted by ${transaction.creatorMspId}`);
  return transaction;
}

/** The peer's validation flag: no hash or signature covers it, so VALID is reported as the peer's word. */
function checkValidationFlag(block: Block, transaction: Transaction, subject: string, checks: Checks): VerifiedTransaction['validationCode'] {
  const code = block.metadata[MetadataIndex.TransactionsFilter]?.[transaction.index];
  if (code === undefined) checks.fail('validation-code', subject, 'the block carries no validation flag for the transaction');
  const name = validationCodeName(code);
  if (code !== 0) checks.fail('validation-code', subject, `the transaction was not applied: the peer marked it ${name} (${UNSIGNED_FLAG})`);
  checks.pass('validation-code', subject, `${name}, ${UNSIGNED_FLAG}`);
  return { code, name, signed: false, note: UNSIGNED_FLAG };
}

/**
 * The transaction's write of the donation key must be the receipt's donation: exactly, for the
 * last transaction of the receipt; on the fields a pledge fixes, for a pledge later settled.
 */
function checkDonationWrite(receipt: Receipt, transaction: Transaction, role: 'pledge' | 'settlement', subject: string, checks: Checks): void {
  const { donation } = receipt;
  const key = compositeKey(RecordType.Donation, donation.id);
  const write = writesOf(transaction, receipt.chaincode).find((w) => w.key === key);
  if (!write || write.isDelete) return checks.fail('donation-write', subject, `transaction ${transaction.txId} writes no donation ${donation.id} in ${receipt.chaincode}`);
  let written: Record<string, unknown>;
  try {
    written = JSON.parse(utf8(write.value)) as Record<string, unknown>;
  } catch {
    return checks.fail('donation-write', subject, 'the written donation is not JSON');
  }
  const exact = role === 'settlement' || !receipt.settlement;
  const fields = exact ? [...new Set([...Object.keys(written), ...Object.keys(donation)])] : PLEDGE_FIELDS;
  const differing = fields.filter((field) => canonical(written[field]) !== canonical((donation as unknown as Record<string, unknown>)[field]));
  if (differing.length > 0) {
    const shown = differing.map((f) => `${f}: the receipt says ${canonical((donation as unknown as Record<string, unknown>)[f]) ?? 'nothing'}, the ledger wrote ${canonical(written[f]) ?? 'nothing'}`);
    checks.fail('donation-write', subject, `tampered: the donation in the receipt differs from the write set (${shown.join('; ')})`);
  }
  if (role === 'pledge' && donation.txId !== transaction.txId) checks.fail('donation-write', subject, `the donation names pledge ${donation.txId}, not ${transaction.txId}`);
  checks.pass('donation-write', subject, exact
    ? `the transaction wrote this donation: ${donation.amount} ${donation.currency} to ${donation.ngoId}, ${String(written.status)}`
    : `the pledge wrote this donation's ${PLEDGE_FIELDS.join(', ')}`);
}

/** JSON with sorted keys, to compare records whatever their key order. */
function canonical(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return JSON.stringify(value, (_, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}
