import { ServiceError, status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { LedgerError, parseChaincodeMessage, toLedgerError } from './errors';

const serviceError = (code: number, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

describe('mapping failures to LedgerError', () => {
  test('a chaincode error relayed by the gateway keeps its code and message, and the transaction id', () => {
    const err = new EndorseError({
      code: GrpcStatus.ABORTED,
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
      details: [{ address: '127.0.0.1:7351', mspId: 'NgoMSP', message: 'chaincode response 500, NOT_FOUND: NGO n1 does not exist' }],
      cause: serviceError(GrpcStatus.ABORTED, 'failed to endorse'),
      transactionId: 'tx1',
    });
    const mapped = toLedgerError(err);
    expect(mapped).toBeInstanceOf(LedgerError);
    expect(mapped).toMatchObject({ code: 'NOT_FOUND', message: 'NGO n1 does not exist', transactionId: 'tx1', isChaincodeError: true });
    expect(mapped.details).toHaveLength(1);
  });

  test.each([
    [StatusCode.ENDORSEMENT_POLICY_FAILURE, 'ENDORSEMENT_POLICY_FAILURE'],
    [StatusCode.MVCC_READ_CONFLICT, 'MVCC_READ_CONFLICT'],
    [StatusCode.PHANTOM_READ_CONFLICT, 'PHANTOM_READ_CONFLICT'],
    [StatusCode.BAD_PAYLOAD, 'TRANSACTION_INVALID'],
  ])('a commit with validation code %p becomes %p', (code, expected) => {
    const mapped = toLedgerError(new CommitError({ code, transactionId: 'tx2', message: 'failed' }));
    expect(mapped).toMatchObject({ code: expected, validationCode: code, transactionId: 'tx2', isChaincodeError: false });
  });

  test.each([
    [GrpcStatus.UNAVAILABLE, 'UNAVAILABLE'],
    [GrpcStatus.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED'],
    [GrpcStatus.FAILED_PRECONDITION, 'UNKNOWN'],
  ])('a gateway error with gRPC status %p becomes %p', (code, expected) => {
    const err = new GatewayError({ code, details: [], cause: serviceError(code, 'x'), message: 'gateway said no' });
    expect(toLedgerError(err).code).toBe(expected);
  });

  test('chaincode messages without a known code are not mistaken for one', () => {
    expect(parseChaincodeMessage('chaincode response 500, something broke: badly')).toBeUndefined();
    expect(parseChaincodeMessage('no chaincode here')).toBeUndefined();
    expect(parseChaincodeMessage('chaincode response 500, FORBIDDEN: only donors')).toEqual({ code: 'FORBIDDEN', message: 'only donors' });
  });

  test('a vote after a proposal expired is EXPIRED, a rule of the ledger', () => {
    const parsed = parseChaincodeMessage('chaincode response 500, EXPIRED: proposal p1 expired at 2026-01-02T00:00:00.000Z');
    expect(parsed).toEqual({ code: 'EXPIRED', message: 'proposal p1 expired at 2026-01-02T00:00:00.000Z' });
    expect(new LedgerError('EXPIRED', 'x').isChaincodeError).toBe(true);
  });
});
