// Every failure the SDK can raise is a LedgerError with a stable code, mapped here and only here:
// chaincode rule violations by the code the contract puts at the start of its message, Fabric
// failures by the gateway error class, gRPC status and transaction validation code.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ErrorCode, isChaincodeErrorCode } from '@donation-ledger/model';
import { CommitError, CommitStatusError, EndorseError, ErrorDetail, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';

/** Codes the chaincode raises (the model's ErrorCode): a rule of the ledger said no. Retrying the same request cannot help. */
export type ChaincodeErrorCode = ErrorCode;
export { CHAINCODE_ERROR_CODES } from '@donation-ledger/model';

/** Codes for failures of the network or of the transaction flow. */
export type FabricErrorCode =
  /** Peers refused or failed to endorse for a reason other than a chaincode rule. */
  | 'ENDORSEMENT_FAILED'
  /** The transaction was ordered but its endorsements did not satisfy the endorsement policy. */
  | 'ENDORSEMENT_POLICY_FAILURE'
  /** The transaction read a key that another transaction changed first; re-running it is safe. */
  | 'MVCC_READ_CONFLICT'
  | 'PHANTOM_READ_CONFLICT'
  /** The transaction committed invalid for another reason (see validationCode). */
  | 'TRANSACTION_INVALID'
  /** A peer or the ordering service could not be reached. */
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  /** Submitted, but whether it committed is not known (ask for its status before resubmitting). */
  | 'STATUS_UNKNOWN'
  | 'UNKNOWN';

export type LedgerErrorCode = ChaincodeErrorCode | FabricErrorCode;

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  readonly code: LedgerErrorCode;
  readonly transactionId: string | undefined;
  /** The transaction's validation code (see Fabric's TxValidationCode) when it committed invalid. */
  readonly validationCode: number | undefined;
  /** What each peer said, when the gateway reported per-peer details. */
  readonly details: readonly ErrorDetail[];
  /**
   * True when the failure happened before anything reached the orderers and may pass (peers at
   * different heights endorsing different results), so running the whole submit again is safe.
   */
  readonly retryable: boolean;

  constructor(
    code: LedgerErrorCode,
    message: string,
    options: { transactionId?: string; validationCode?: number; details?: readonly ErrorDetail[]; cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.transactionId = options.transactionId;
    this.validationCode = options.validationCode;
    this.details = options.details ?? [];
  }

  /** True for failures of the ledger's rules (as opposed to the network). */
  get isChaincodeError(): boolean {
    return isChaincodeErrorCode(this.code);
  }
}

const CHAINCODE_RESPONSE = 'chaincode response ';

/**
 * Reads "chaincode response 500, NOT_FOUND: donation d1 does not exist" (the form in which the
 * gateway relays a chaincode error) into its code and message.
 */
export function parseChaincodeMessage(text: string): { code: ChaincodeErrorCode; message: string } | undefined {
  const at = text.indexOf(CHAINCODE_RESPONSE);
  if (at < 0) return undefined;
  const afterStatus = text.slice(at + CHAINCODE_RESPONSE.length).replace(/^\d+,\s*/, '');
  const colon = afterStatus.indexOf(':');
  if (colon < 0) return undefined;
  const code = afterStatus.slice(0, colon);
  if (!isChaincodeErrorCode(code)) return undefined;
  return { code, message: afterStatus.slice(colon + 1).trim() };
}

/** Maps anything thrown by the gateway SDK to a LedgerError. */
export function toLedgerError(err: unknown): LedgerError {
  if (err instanceof LedgerError) return err;
  if (err instanceof CommitError) return fromCommitError(err);
  const transactionId = (err as { transactionId?: unknown }).transactionId;
  const txId = typeof transactionId === 'string' ? transactionId : undefined;
  if (err instanceof CommitStatusError) {
    return new LedgerError('STATUS_UNKNOWN', `the commit status of transaction ${txId ?? ''} could not be obtained: ${err.message}`, {
      transactionId: txId, details: err.details, cause: err,
    });
  }
  if (err instanceof GatewayError) {
    for (const text of [...err.details.map((d) => d.message), err.message]) {
      const parsed = parseChaincodeMessage(text);
      if (parsed) return new LedgerError(parsed.code, parsed.message, { transactionId: txId, details: err.details, cause: err });
    }
    const options = { transactionId: txId, details: err.details, cause: err };
    const detail = err.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`).join('; ');
    const message = detail ? `${err.message} (${detail})` : err.message;
    if (err.code === Number(GrpcStatus.UNAVAILABLE)) return new LedgerError('UNAVAILABLE', message, options);
    if (err.code === Number(GrpcStatus.DEADLINE_EXCEEDED)) return new LedgerError('DEADLINE_EXCEEDED', message, options);
    // SubmitError is exported as a type only; recognise it by name.
    if (err instanceof EndorseError || err.name === 'SubmitError' || err.code === Number(GrpcStatus.ABORTED)) return new LedgerError('ENDORSEMENT_FAILED', message, options);
    return new LedgerError('UNKNOWN', message, options);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LedgerError('UNKNOWN', message, { cause: err });
}

function fromCommitError(err: CommitError): LedgerError {
  return commitFailure(err.code, err.transactionId, err);
}

/** The error for a transaction that was ordered but committed with a failing validation code. */
export function commitFailure(validationCode: number, transactionId: string, cause?: unknown): LedgerError {
  const options = { transactionId, validationCode, cause };
  const name = Object.entries(StatusCode).find(([, value]) => value === validationCode)?.[0] ?? String(validationCode);
  const message = `transaction ${transactionId} was committed as invalid: ${name}`;
  switch (validationCode) {
    case StatusCode.ENDORSEMENT_POLICY_FAILURE:
      return new LedgerError('ENDORSEMENT_POLICY_FAILURE', message, options);
    case StatusCode.MVCC_READ_CONFLICT:
      return new LedgerError('MVCC_READ_CONFLICT', message, options);
    case StatusCode.PHANTOM_READ_CONFLICT:
      return new LedgerError('PHANTOM_READ_CONFLICT', message, options);
    default:
      return new LedgerError('TRANSACTION_INVALID', message, options);
  }
}
