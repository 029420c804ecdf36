import { LedgerClient, LedgerError } from '@donation-ledger/client';
import { errorOf, failureOf, GOVERNANCE_CALLS, isGovernanceMethod } from './site-admin-client';

describe("governance calls made by a site's own process", () => {
  test('a LedgerError crosses the pipe with its code, retryability and transaction', () => {
    const crossed = errorOf(JSON.parse(JSON.stringify(failureOf(new LedgerError('ALREADY_EXISTS', 'MSP NgoMSP has already voted', { retryable: true, transactionId: 'tx1' })))) as ReturnType<typeof failureOf>);
    expect(crossed).toBeInstanceOf(LedgerError);
    expect(crossed).toMatchObject({ code: 'ALREADY_EXISTS', message: 'MSP NgoMSP has already voted', retryable: true, transactionId: 'tx1' });
  });

  test('any other failure keeps its name and message', () => {
    const crossed = errorOf(failureOf(new TypeError('no connection profile was sent')));
    expect(crossed).not.toBeInstanceOf(LedgerError);
    expect(crossed).toMatchObject({ name: 'TypeError', message: 'no connection profile was sent' });
  });

  test('a submitted call answers its record (JSON, no bigint block number); only governance calls are made', async () => {
    const proposal = { id: 'p1', status: 'APPROVED' };
    const client = { vote: (id: string, choice: string) => Promise.resolve({ result: { ...proposal, id, choice }, transactionId: 't', blockNumber: 7n, attempts: 1 }) };
    const answered = await GOVERNANCE_CALLS.vote(client as unknown as LedgerClient, ['p1', 'YES']);
    expect(JSON.parse(JSON.stringify(answered))).toEqual({ ...proposal, choice: 'YES' });
    expect(['vote', 'recordExecution', 'readProposal'].every(isGovernanceMethod)).toBe(true);
    expect(['registerNgo', 'close', 'constructor', '__proto__', 42].some(isGovernanceMethod)).toBe(false);
  });
});
