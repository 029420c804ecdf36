// A few facts pinned: they are the wire format, so a change here is a change for every client.
import {
  AMOUNT_PATTERN, CHAINCODE_ERROR_CODES, Events, governanceTransaction, GovernanceTransaction, HISTORY_RECORD_TYPES, ID_PATTERN, isChaincodeErrorCode,
  isRecordType, MAX_AMOUNT, MAX_SETTLEMENT_BATCH, MSP_ID_PATTERN, RECORD_TYPES, Role,
} from './index';

describe('the shared model', () => {
  test('the chaincode error codes include EXPIRED and CLOCK_SKEW, and nothing of the network', () => {
    expect(CHAINCODE_ERROR_CODES).toEqual(['NOT_FOUND', 'ALREADY_EXISTS', 'FORBIDDEN', 'INVALID_ARGUMENT', 'INSUFFICIENT_FUNDS', 'CONFLICT', 'EXPIRED', 'CLOCK_SKEW']);
    expect(isChaincodeErrorCode('EXPIRED')).toBe(true);
    expect(isChaincodeErrorCode('MVCC_READ_CONFLICT')).toBe(false);
  });

  test.each(['d1', 'ngo-1', 'A', 'batch_2026.01:7', 'x'.repeat(64)])('the id pattern accepts %p', (id) => {
    expect(ID_PATTERN.test(id)).toBe(true);
  });

  test.each(['', '-leading-dash', '.hidden', 'has space', 'x'.repeat(65), 'ünïcode', 'a/b'])('the id pattern refuses %p', (id) => {
    expect(ID_PATTERN.test(id)).toBe(false);
  });

  test('an MSP ID starts with a letter and may hold dots and dashes, not underscores', () => {
    expect(['NgoMSP', 'Org1.MSP', 'auditor-msp'].every((id) => MSP_ID_PATTERN.test(id))).toBe(true);
    expect(['1Org', 'Org_MSP', ''].some((id) => MSP_ID_PATTERN.test(id))).toBe(false);
  });

  test('amounts are 1 to 19 decimal digits of minor units, at most 10^15', () => {
    expect(AMOUNT_PATTERN.test('1')).toBe(true);
    expect(AMOUNT_PATTERN.test('1.5')).toBe(false);
    expect(AMOUNT_PATTERN.test('-1')).toBe(false);
    expect(AMOUNT_PATTERN.test('1'.repeat(20))).toBe(false);
    expect(MAX_AMOUNT).toBe(10n ** 15n);
  });

  test('a settlement batch names at most 500 donations', () => {
    expect(MAX_SETTLEMENT_BATCH).toBe(500);
  });

  test('record types are the indexed ones, and history is kept for five of them', () => {
    expect(RECORD_TYPES).toEqual(['ngo', 'campaign', 'donation', 'milestone', 'settlement', 'refund', 'spend', 'allocation', 'rating', 'proposal', 'governance']);
    expect(HISTORY_RECORD_TYPES).toEqual(['ngo', 'campaign', 'donation', 'spend', 'proposal']);
    expect(isRecordType('donation')).toBe(true);
    expect(isRecordType('donation~ngo')).toBe(false);
  });

  test('governance transactions are called with the contract name as prefix', () => {
    expect(governanceTransaction(GovernanceTransaction.Vote)).toBe('Governance:Vote');
  });

  test('role and event names are the strings certificates and subscribers see', () => {
    expect(Object.values(Role)).toEqual(['donor', 'ngo-admin', 'ngo-staff', 'payments', 'validator']);
    expect(Events.DonationRecorded).toBe('DonationRecorded');
  });
});
