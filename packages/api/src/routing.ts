// Every route is declared once, with its schemas. The same declaration authenticates and
// validates the request and produces the route's part of the OpenAPI document, so the two
// cannot drift.
import { LedgerClient } from '@donation-ledger/client';
import { Request, Response, Router } from 'express';
import { z, ZodType } from 'zod';
import { Account, Role } from './accounts';
import { fingerprintOf, Idempotency, IDEMPOTENCY_HEADER, requireKey } from './idempotency';
import { ApiError, problemSchema } from './problems';

export type Access = 'public' | 'user' | readonly Role[];

export interface RouteSpec {
  readonly method: 'get' | 'post' | 'put';
  /** Express path, e.g. /api/ngos/:ngoId */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly access: Access;
  readonly params?: ZodType;
  readonly query?: ZodType;
  readonly body?: ZodType;
  /** Status of a success and the schema of what it returns. */
  readonly success: Success;
  /** Error statuses this route is known to answer with (beyond 400/401/500). */
  readonly errors?: readonly number[];
  /** A write that takes an Idempotency-Key header: a retry with the key gets the first answer. */
  readonly idempotent?: boolean;
}

/**
 * A success answer. `schema` is the JSON body (the handler's return value must fit it); `media`
 * adds other media types the route may answer with instead (a CSV file, an event stream), which
 * the handler writes itself. A route with no JSON body declares only `media`.
 */
export type Success = { readonly status: number; readonly description: string } & (
  | { readonly schema: ZodType; readonly media?: Readonly<Record<string, ZodType>> }
  | { readonly schema?: undefined; readonly media: Readonly<Record<string, ZodType>> }
);

/** What a route's handler may return: its success schema's JSON, or undefined when it answered itself. */
export type Answer<S extends RouteSpec> = (S['success']['schema'] extends ZodType ? z.input<S['success']['schema']> : never) | undefined;

export interface Caller {
  readonly account: Account;
  /** The ledger, as this user (their own Fabric identity). */
  ledger(): Promise<LedgerClient>;
  /** PEM of the user's enrollment certificate (the creator their transactions name). */
  certificate(): Promise<string>;
}

export interface RouteContext<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  readonly caller: Caller | undefined;
  /** The request's Idempotency-Key (idempotent routes), for deriving the IDs of what it writes. */
  readonly idempotencyKey: string | undefined;
  readonly req: Request;
  readonly res: Response;
}

export interface Authenticator {
  /** The caller of a request bearing `Authorization: Bearer <token>`, or undefined. */
  authenticate(req: Request): Promise<Caller | undefined>;
}

export class RouteRegistry {
  readonly specs: RouteSpec[] = [];

  constructor(
    private readonly auth: Authenticator,
    private readonly idempotency?: Idempotency,
  ) {}

  /**
   * Adds a route to `router`. The handler's return value is the JSON body of the success
   * status; returning undefined means the handler answered itself (e.g. a stream).
   */
  add<S extends RouteSpec>(
    router: Router,
    spec: S,
    handler: (ctx: RouteContext<Infer<S['body']>, Infer<S['query']>, Infer<S['params']>>) => Promise<Answer<S>>,
  ): void {
    this.specs.push(spec);
    router[spec.method](spec.path, async (req: Request, res: Response) => {
      const caller = spec.access === 'public' ? undefined : await this.requireCaller(req, spec.access);
      const params = parse(spec.params, req.params, 'path');
      const query = parse(spec.query, req.query, 'query');
      const body = spec.body ? parse(spec.body, req.body ?? {}, 'body') : undefined;
      const idempotencyKey = spec.idempotent ? requireKey(req.get(IDEMPOTENCY_HEADER)) : undefined;
      // undefined: the handler answered itself
      const run = (): Promise<unknown> => handler({ body, query, params, caller, idempotencyKey, req, res } as never);
      const result = idempotencyKey && caller && this.idempotency
        ? await this.once(this.idempotency, caller.account.username, idempotencyKey, fingerprintOf(spec.method, req.path, req.body), spec.success.status,
          async () => toJsonValue(await run()), res)
        : await run();
      // Serialized once, here (not to a JSON value first and then again by res.json).
      if (result !== undefined && !res.headersSent) res.status(spec.success.status).type('json').send(jsonText(result));
    });
  }

  /** Runs a keyed write the first time; a retry gets the first answer (marked Idempotent-Replayed). */
  private async once(
    store: Idempotency, owner: string, key: string, fingerprint: string, status: number, run: () => Promise<unknown>, res: Response,
  ): Promise<unknown> {
    const claim = await store.claim(owner, key, fingerprint);
    if (claim.kind === 'replay') {
      res.set('Idempotent-Replayed', 'true').status(claim.status).json(claim.body);
      return undefined;
    }
    let result: unknown;
    try {
      result = await run();
    } catch (err) {
      await store.release(owner, key);
      throw err;
    }
    await store.keep(owner, key, status, result);
    return result;
  }

  private async requireCaller(req: Request, access: Exclude<Access, 'public'>): Promise<Caller> {
    const caller = await this.auth.authenticate(req);
    if (!caller) throw new ApiError(401, 'UNAUTHENTICATED', 'log in first: send "Authorization: Bearer <token>" with a valid, unexpired token');
    if (access !== 'user' && !access.includes(caller.account.role)) {
      throw new ApiError(403, 'FORBIDDEN', `this needs one of the roles ${access.join(', ')}; you are ${caller.account.role}`);
    }
    return caller;
  }
}

type Infer<T> = T extends ZodType ? z.infer<T> : undefined;

function parse(schema: ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  throw new ApiError(400, 'INVALID_REQUEST', `the request is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}

/** bigint (block numbers) becomes a string in JSON. */
const jsonText = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** The answer as the JSON value a client will read (what the idempotency store keeps). */
function toJsonValue(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(jsonText(value));
}

/** Builds the OpenAPI 3.1 document from the declared routes. */
export function openApiDocument(specs: readonly RouteSpec[], info: { title: string; version: string; description: string }): object {
  const components = new Components();
  const problem = components.reference(problemSchema);
  const paths: Record<string, Record<string, object>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...objectParams(spec.params, 'path'),
      ...objectParams(spec.query, 'query'),
      ...(spec.idempotent ? [IDEMPOTENCY_PARAMETER] : []),
    ];
    const responses: Record<string, object> = {
      [String(spec.success.status)]: { description: spec.success.description, content: successContent(spec.success, components) },
      ...Object.fromEntries(errorStatuses(spec).map((s) => [String(s), { $ref: '#/components/responses/Problem' }])),
    };
    (paths[path] ??= {})[spec.method] = {
      operationId: operationId(spec),
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.access === 'public' ? { security: [] } : {}),
      ...(Array.isArray(spec.access) ? { description: `Roles: ${spec.access.join(', ')}` } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: {
        Problem: { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: problem } } },
      },
    },
  };
}

/**
 * The statuses a route may answer with besides its success: every route can be refused as
 * invalid (400) or fail (500); a route for users needs a session (401); an idempotent write
 * can meet its own retry (409) or a different request under its key (422).
 */
export function errorStatuses(spec: RouteSpec): number[] {
  const statuses = new Set([400, ...(spec.access === 'public' ? [] : [401]), ...(Array.isArray(spec.access) ? [403] : []), ...(spec.errors ?? []), ...(spec.idempotent ? [409, 422] : []), 500]);
  return [...statuses].sort((a, b) => a - b);
}

/** A stable name for generated clients, e.g. get /api/ngos/:ngoId/spends -> getApiNgosNgoIdSpends. */
function operationId(spec: RouteSpec): string {
  const words = spec.path.split(/[/:{}.-]+/).filter(Boolean);
  return spec.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function successContent(success: Success, components: Components): Record<string, { schema: object }> {
  const media: Record<string, ZodType> = { ...(success.schema ? { 'application/json': success.schema } : {}), ...success.media };
  return Object.fromEntries(Object.entries(media).map(([type, schema]) => [type, { schema: components.reference(schema) }]));
}

/**
 * The schemas of the answers, with every named schema (zod's .meta({ id })) as one component:
 * zod puts named schemas in $defs, which become #/components/schemas/<id> here.
 */
class Components {
  readonly schemas: Record<string, object> = {};

  /** The JSON Schema of `schema` (output), its named parts moved into the components. */
  reference(schema: ZodType): object {
    const { $schema: _ignored, $defs, ...rest } = toJsonSchema(schema, 'output');
    void _ignored;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, object>)) this.add(id, toComponentRefs(def));
    return toComponentRefs(rest);
  }

  private add(id: string, def: object): void {
    const existing = this.schemas[id];
    // Two different schemas under one name would make a generated client's type lie about one of them.
    if (existing && JSON.stringify(existing) !== JSON.stringify(def)) throw new Error(`two different response schemas are named ${id}`);
    this.schemas[id] = def;
  }
}

function toComponentRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\//g, '"#/components/schemas/')) as T;
}

const IDEMPOTENCY_PARAMETER = {
  name: IDEMPOTENCY_HEADER, in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 },
  description: 'A unique key per intended write (e.g. a UUID). Sent again with the same request, the first answer comes back ' +
    '(header Idempotent-Replayed: true) and nothing is written twice; with another request it is 422; while the first is running, 409.',
};

/**
 * zod's JSON Schema of `schema`, converted once per schema and direction: the schemas are
 * constants, and every app built in a process (the tests build hundreds) asks again.
 */
const converted = { input: new WeakMap<ZodType, Record<string, unknown>>(), output: new WeakMap<ZodType, Record<string, unknown>>() };
function toJsonSchema(schema: ZodType, io: 'input' | 'output'): Readonly<Record<string, unknown>> {
  let json = converted[io].get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
    converted[io].set(schema, json);
  }
  return json;
}

function jsonSchema(schema: ZodType): object {
  const { $schema: _ignored, ...rest } = toJsonSchema(schema, 'input');
  void _ignored;
  return rest;
}

function objectParams(schema: ZodType | undefined, location: 'path' | 'query'): object[] {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: location, required: location === 'path' || (json.required ?? []).includes(name), schema: s }));
}
