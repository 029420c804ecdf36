// The REST API and the web app, built from their dependencies so tests run the real thing
// in-process. main.ts owns config, logging, the ledger connections, listening and shutdown.
import { LedgerClient } from '@donation-ledger/client';
import express, { Express, Request } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { EventFeed } from './events';
import { ApiError, errorHandler } from './problems';
import { accountRoutes } from './routes/accounts';
import { ReadModelAccess } from './read-model';
import { analyticsRoutes } from './routes/analytics';
import { auditRoutes } from './routes/audit';
import { campaignRoutes } from './routes/campaigns';
import { donationRoutes } from './routes/donations';
import { explorerRoutes } from './routes/explorer';
import { receiptRoutes } from './routes/receipts';
import { ngoRoutes } from './routes/ngos';
import { publicRoutes } from './routes/public';
import { readRoutes } from './routes/read';
import { settlementRoutes } from './routes/settlements';
import { spendRoutes } from './routes/spends';
import { Idempotency } from './idempotency';
import * as R from './responses';
import { Caller, openApiDocument, RouteRegistry, RouteSpec } from './routing';
import { noQuery } from './schemas';
import { TicketBook, Tokens } from './tokens';
import { Users } from './users';

export interface AppDependencies {
  readonly users: Users;
  readonly tokens: Tokens;
  /** Short-lived, single-use tickets that open the live feed (EventSource cannot send an Authorization header). */
  readonly feedTickets: TicketBook;
  /** The instance's own ledger identity: readiness and the event feed. */
  readonly service: Pick<LedgerClient, 'getDigest'>;
  readonly events: Pick<EventFeed, 'subscribe'>;
  /** The SQL index of the ledger (lists, search, analytics, audit). */
  readonly readModel: ReadModelAccess;
  readonly logger: Logger;
  readonly orgName: string;
  readonly donorSignUp: boolean;
  readonly bodyLimit: string;
  readonly loginAttemptsPerMinute: number;
  /** Proofs and chain verifications a client may ask for per minute. */
  readonly expensivePerMinute: number;
  /** Whose X-Forwarded-For to believe (Express "trust proxy"); false: nobody's. */
  readonly trustProxy: string | false;
  /** The first answers to writes sent with an Idempotency-Key. */
  readonly idempotency: Idempotency;
}

/** The API's own pages (the API documentation). */
export const PUBLIC_DIR = join(__dirname, '..', 'public');
/** The portal's built front end (packages/portal, built by `npm run build`). */
export const PORTAL_DIR = join(dirname(require.resolve('@donation-ledger/portal/package.json')), 'dist');

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use((_req, res, next) => {
    // The web app is only this origin's files: no inline code, no framing (clickjacking), no sniffing.
    res.setHeader('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [metrics] });
  const durations = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'], registers: [metrics] });

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      serializers: { req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/ticket=[^&]+/, 'ticket=[Redacted]') }) },
      autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    const stop = durations.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      requests.inc({ method: req.method, route, status: res.statusCode });
      stop({ method: req.method, route });
    });
    next();
  });
  app.use(express.json({ limit: deps.bodyLimit, strict: true }));
  app.use((req, _res, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.headers['content-length'] !== '0' && !req.is('application/json') && req.path.startsWith('/api/')) {
      next(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'));
      return;
    }
    next();
  });

  const registry = new RouteRegistry({ authenticate: (req) => authenticate(req, deps) }, deps.idempotency);
  app.use(accountRoutes(registry, deps.users, deps.tokens, { donorSignUp: deps.donorSignUp, loginAttemptsPerMinute: deps.loginAttemptsPerMinute }));
  app.use(ngoRoutes(registry));
  app.use(campaignRoutes(registry));
  app.use(donationRoutes(registry));
  app.use(receiptRoutes(registry, deps.expensivePerMinute));
  app.use(settlementRoutes(registry));
  app.use(spendRoutes(registry));
  app.use(auditRoutes(registry, deps.readModel, deps.expensivePerMinute));
  app.use(readRoutes(registry, deps.readModel));
  app.use(analyticsRoutes(registry, deps.readModel));
  app.use(publicRoutes(registry, deps.readModel));
  app.use(explorerRoutes(registry, deps.readModel));

  const health = express.Router();
  registry.add(health, {
    method: 'post', path: '/api/events/tickets', tag: 'events', summary: 'A ticket that opens the live feed once, within 30 seconds (for EventSource, which cannot send headers)',
    access: 'user', query: noQuery, success: { status: 201, description: 'A ticket for ?ticket= and when it expires', schema: R.feedTicket },
  }, async ({ caller }) => {
    const account = caller?.account;
    if (!account) return undefined;
    const { token, expiresAt } = await deps.feedTickets.issue({ username: account.username, role: account.role });
    return { ticket: token, expiresAt };
  });
  registry.add(health, {
    method: 'get', path: '/api/events', tag: 'events', summary: 'Live feed of committed ledger events (Server-Sent Events): Authorization header, or ?ticket= from POST /api/events/tickets',
    access: 'user', success: { status: 200, description: 'text/event-stream of "ledger" events', media: { 'text/event-stream': R.text } },
  }, ({ res }) => {
    deps.events.subscribe(res);
    return Promise.resolve(undefined);
  });
  registry.add(health, {
    method: 'get', path: '/api/info', tag: 'health', summary: 'Which org this instance serves, and whether donors sign up here', access: 'public', query: noQuery,
    success: { status: 200, description: 'The org and whether donors sign up here', schema: R.info },
  }, () => Promise.resolve({ org: deps.orgName, donorSignUp: deps.donorSignUp }));
  registry.add(health, { method: 'get', path: '/health/live', tag: 'health', summary: 'The process is up', access: 'public', query: noQuery, success: { status: 200, description: 'ok', schema: R.live } },
    () => Promise.resolve({ status: 'ok' as const }));
  registry.add(health, {
    method: 'get', path: '/health/ready', tag: 'health', summary: 'Ready when the gateway peer answers', access: 'public', query: noQuery,
    success: { status: 200, description: 'ready, with the ledger height', schema: R.ready }, errors: [503],
  }, async () => {
    try {
      const { height } = await deps.service.getDigest();
      return { status: 'ready' as const, org: deps.orgName, height, readModel: deps.readModel.status() };
    } catch {
      throw new ApiError(503, 'UNAVAILABLE', 'the gateway peer does not answer');
    }
  });
  app.use(health);
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  const document = openApiDocument(registry.specs, {
    title: 'Donation ledger API',
    version: '0.1.0',
    description: `REST API of the donation ledger, acting for org "${deps.orgName}". Errors are problem details (application/problem+json).`,
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.get('/docs', (_req, res) => {
    res.sendFile(join(PUBLIC_DIR, 'docs.html'));
  });
  // Vite names built assets by their content hash: they can be cached for good; index.html not.
  app.use('/assets', express.static(join(PORTAL_DIR, 'assets'), { immutable: true, maxAge: '365d' }));
  app.use(express.static(PORTAL_DIR, { index: 'index.html', maxAge: 0 }));
  app.use(express.static(PUBLIC_DIR, { index: false, maxAge: '1m' }));
  if (!existsSync(join(PORTAL_DIR, 'index.html'))) {
    deps.logger.warn(`the portal is not built (${PORTAL_DIR} has no index.html): run npm run build; the API answers without it`);
    app.get('/', (_req, res) => {
      res.status(503).type('text/plain').send('The portal is not built on this server: run npm run build. The API is at /docs.\n');
    });
  }
  app.use((req, res, next) => {
    // A path the API has, asked with a method it does not have (TRACE, DELETE...): 405 naming those it has.
    const allowed = allowedMethods(registry.specs, req.path);
    if (allowed.length > 0) {
      res.setHeader('Allow', allowed.join(', '));
      next(new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; allowed: ${allowed.join(', ')}`));
      return;
    }
    next(new ApiError(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`));
  });
  app.use(errorHandler(deps.logger));
  return app;
}

/** Paths served outside the route registry (all GET). */
const PLAIN_GET_PATHS = ['/metrics', '/openapi.json', '/docs'];

/** The methods of the declared routes whose path pattern matches `path` (GET brings HEAD). */
function allowedMethods(specs: readonly RouteSpec[], path: string): string[] {
  const matches = (pattern: string): boolean => new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(path);
  const methods = new Set([...specs.filter((s) => matches(s.path)).map((s) => s.method.toUpperCase()), ...(PLAIN_GET_PATHS.includes(path) ? ['GET'] : [])]);
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

async function authenticate(req: Request, deps: AppDependencies): Promise<Caller | undefined> {
  const header = req.headers.authorization;
  // EventSource cannot send headers: the live feed alone accepts a ticket in the query, which
  // opens one stream within 30 seconds and nothing else (a session token there is refused, and vice versa).
  const ticket = req.path === '/api/events' && typeof req.query.ticket === 'string' ? req.query.ticket : undefined;
  const claims = header?.startsWith('Bearer ') ? await deps.tokens.verify(header.slice('Bearer '.length)) : ticket ? await deps.feedTickets.redeem(ticket) : undefined;
  if (!claims) return undefined;
  const account = await deps.users.get(claims.username);
  if (!account || account.role !== claims.role) return undefined;
  return { account, ledger: () => deps.users.ledgerFor(account), certificate: () => deps.users.certificateOf(account) };
}
