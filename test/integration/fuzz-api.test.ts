// Fuzzing the REST API from its own OpenAPI document: for every operation, random path
// parameters, query strings, bodies and credentials. No answer may be a 5xx, and no 4xx may
// change the ledger (its height is the same before and after).
import fc from 'fast-check';
import request from 'supertest';
import { LedgerClient } from '@donation-ledger/client';
import { ADMIN_PASSWORD, Apis, startApis } from './api-harness';
import { connectAs, uniqueId } from './harness';

interface Operation {
  readonly path: string;
  readonly method: string;
  readonly bodyProperties: readonly string[];
}

const CASES = 1200;

describe('fuzzing the REST API from its OpenAPI document', () => {
  let apis: Apis;
  let reader: LedgerClient;
  const tokens: string[] = [];

  beforeAll(async () => {
    apis = await startApis();
    reader = await connectAs('ngo', 'staff1');
    const ngo = request(apis.ngo.server);
    const donor = request(apis.donor.server);
    tokens.push(((await ngo.post('/api/sessions').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(201)).body as { token: string }).token);
    const signUp = await donor.post('/api/accounts').send({ username: uniqueId('fz').toLowerCase(), password: 'fuzz-password', name: 'F', email: 'f@example.org' }).expect(201);
    tokens.push((signUp.body as { token: string }).token);
  });

  afterAll(async () => {
    reader?.close();
    await apis?.stop();
  });

  test(`${CASES} random requests: never a 5xx, and no 4xx changes the ledger`, async () => {
    const doc = (await request(apis.donor.server).get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>>;
    };
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(() => path !== '/api/events') // a stream: answered, then held open
        .map(([method, op]) => ({ path, method, bodyProperties: Object.keys(op.requestBody?.content['application/json']?.schema.properties ?? {}) })),
    );
    expect(operations.length).toBeGreaterThan(25);

    const junk = fc.oneof(
      fc.string({ maxLength: 40 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt().map(String),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.object({ maxDepth: 1 }), fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('', '-1', '0', '1.5', '1e9', 'ngo-1', 'EUR', 'active', '../../etc/passwd', '%00', 'a'.repeat(70)),
    );
    const seen = new Map<number, number>();
    let height = (await reader.getDigest()).height;

    const testCase = fc.record({
      operation: fc.constantFrom(...operations),
      api: fc.constantFrom('donor', 'ngo'),
      auth: fc.constantFrom('donor', 'admin', 'none', 'garbage'),
      params: fc.array(fc.string({ maxLength: 20 }), { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(fc.constantFrom('pageSize', 'bookmark', 'x', 'access_token'), fc.string({ maxLength: 10 }), { maxKeys: 2 }),
      body: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 4 }),
        junk,
        fc.constant('fields'),
      ),
      fieldValues: fc.array(junk, { minLength: 8, maxLength: 8 }),
      extraField: fc.boolean(),
    });

    await fc.assert(
      fc.asyncProperty(testCase, async (c) => {
        let i = 0;
        const path = c.operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(c.params[i++] || 'x'));
        const agent = request((c.api === 'donor' ? apis.donor : apis.ngo).server);
        let req = (agent as unknown as Record<string, (p: string) => request.Test>)[c.operation.method]?.(path);
        if (!req) return true;
        req = req.query(c.query);
        const token = c.auth === 'donor' ? tokens[1] : c.auth === 'admin' ? tokens[0] : c.auth === 'garbage' ? 'x.y.z' : undefined;
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        if (c.operation.method !== 'get') {
          const body = c.body === 'fields'
            ? Object.fromEntries([...c.operation.bodyProperties.map((p, k) => [p, c.fieldValues[k % 8]]), ...(c.extraField ? [['unexpected', 1]] : [])])
            : c.body;
          req = typeof body === 'object' && body !== null ? req.send(body as object) : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
        }
        const res = await req;
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${c.operation.method.toUpperCase()} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
        if (res.status >= 400) {
          const now = (await reader.getDigest()).height;
          if (now !== height) throw new Error(`${c.operation.method.toUpperCase()} ${path} answered ${res.status} but the ledger grew from ${height} to ${now}`);
        } else if (c.operation.method !== 'get') {
          // A write landed; the reading peer (the other org's) may be a block behind: let it settle.
          await new Promise((r) => setTimeout(r, 1500));
          height = (await reader.getDigest()).height;
        }
        return true;
      }),
      { numRuns: CASES },
    );
    process.stderr.write(`[fuzz] REST statuses over ${CASES} cases: ${JSON.stringify(Object.fromEntries([...seen].sort()))}\n`);
  });
});
