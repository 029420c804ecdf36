// One JSON error shape (RFC 9457 problem details) and one table from the SDK's error codes to
// HTTP statuses. Never a stack trace, never a 200 on failure.
import { LedgerError, LedgerErrorCode } from '@donation-ledger/client';
import { ErrorRequestHandler } from 'express';
import { Logger } from 'pino';
import { z } from 'zod';

export const STATUS_BY_CODE: Readonly<Record<LedgerErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  MVCC_READ_CONFLICT: 409,
  PHANTOM_READ_CONFLICT: 409,
  // 409, not 410: the proposal is still there to read (410 says the resource is gone); what
  // conflicts is the request with the proposal's state, as for a vote on a decided proposal.
  EXPIRED: 409,
  INSUFFICIENT_FUNDS: 422,
  // This server dates the transactions it submits; a refusal of its clock is not the caller's fault.
  CLOCK_SKEW: 502,
  ENDORSEMENT_FAILED: 502,
  ENDORSEMENT_POLICY_FAILURE: 502,
  TRANSACTION_INVALID: 502,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  STATUS_UNKNOWN: 504,
  UNKNOWN: 500,
};

const SERVER_SIDE_DETAIL: Record<number, string> = {
  502: 'the ledger refused or could not complete the transaction; try again later',
  503: 'the ledger is unavailable; try again later',
  504: 'the ledger did not answer in time; the write may or may not have happened: send the same request (same id) again',
};

/** An error of the API itself (authentication, validation, routing), with its status and code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The body of every error answer; the OpenAPI document publishes it as the Problem schema. */
export const problemSchema = z.object({
  type: z.string(), title: z.string(), status: z.number().int().min(400).max(599), code: z.string().regex(/^[A-Z_]+$/), detail: z.string(),
  requestId: z.string().optional(), transactionId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).readonly().optional(),
}).meta({ id: 'Problem', description: 'Problem details (RFC 9457), with a stable code' });
export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function problemOf(err: unknown, requestId?: string): Problem {
  const base = (status: number, code: string, detail: string): Problem => ({
    type: `https://donation-ledger.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(requestId ? { requestId } : {}),
  });
  if (err instanceof ApiError) return { ...base(err.status, err.code, err.message), ...(err.errors ? { errors: err.errors } : {}) };
  if (err instanceof LedgerError) {
    const status = STATUS_BY_CODE[err.code];
    // Server-side failures keep their detail (peer addresses, file paths) in the log, not in the response.
    const detail = status >= 500 ? SERVER_SIDE_DETAIL[status] ?? 'the ledger failed unexpectedly' : err.message;
    return { ...base(status, err.code, detail), ...(err.transactionId ? { transactionId: err.transactionId } : {}) };
  }
  const http = err as { status?: number; type?: string };
  if (http.type === 'entity.too.large') return base(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than the limit');
  if (http.type === 'entity.parse.failed') return base(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
  if (typeof http.status === 'number' && http.status >= 400 && http.status < 500) return base(http.status, 'BAD_REQUEST', 'the request could not be read');
  return base(500, 'INTERNAL', 'something went wrong; the request ID is in the server log');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '';
    const problem = problemOf(err, requestId);
    if (problem.status >= 500) logger.error({ err, requestId, detail: err instanceof Error ? err.message : String(err) }, 'request failed');
    res.status(problem.status).type('application/problem+json').json(problem);
  };
}
