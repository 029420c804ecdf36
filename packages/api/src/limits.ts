// Per-client rate limits for routes that cost the server (or the CA, or the ledger) much per
// request: sign-up, login, and re-walking the chain. Keyed by the client's address, which is
// the connection's unless a trusted proxy (TRUST_PROXY) names another.
import { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiError } from './problems';

/** At most `perMinute` requests a minute from one client; then 429 saying what to do. */
export function perClientLimit(perMinute: number, tooMany: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000, limit: perMinute, standardHeaders: 'draft-8', legacyHeaders: false,
    // An X-Forwarded-For from a proxy that is not trusted is ignored on purpose: no warning per client.
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new ApiError(429, 'TOO_MANY_REQUESTS', `${tooMany}; wait a minute`)),
  });
}
