import { LedgerError } from '@donation-ledger/client';
import { ApiError, problemOf, STATUS_BY_CODE } from './problems';

describe('problem details', () => {
  test.each([
    ['NOT_FOUND', 404], ['ALREADY_EXISTS', 409], ['FORBIDDEN', 403], ['INVALID_ARGUMENT', 400], ['INSUFFICIENT_FUNDS', 422],
    ['CONFLICT', 409], ['UNAVAILABLE', 503], ['DEADLINE_EXCEEDED', 504], ['STATUS_UNKNOWN', 504], ['MVCC_READ_CONFLICT', 409],
  ] as const)('the ledger error %s is HTTP %p, with its code', (code, status) => {
    const detail = status >= 500 ? expect.not.stringContaining('because') : 'because';
    expect(problemOf(new LedgerError(code, 'because'), 'req-1')).toMatchObject({ status, code, detail, requestId: 'req-1' });
    expect(STATUS_BY_CODE[code]).toBe(status);
  });

  test('unexpected failures say nothing about their insides', () => {
    expect(problemOf(new Error('secret stack and key material'))).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(problemOf(new LedgerError('UNKNOWN', 'internal details')))).not.toContain('internal details');
  });

  test('API errors keep their field errors', () => {
    const problem = problemOf(new ApiError(400, 'INVALID_REQUEST', 'bad', [{ path: 'body.amount', message: 'must be positive' }]));
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', errors: [{ path: 'body.amount', message: 'must be positive' }] });
  });
});
