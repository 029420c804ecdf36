// Fuzzing the REST API from its own OpenAPI document: for every operation, random path
// parameters, query strings, bodies and credentials. No answer may be a 5xx, and no 4xx may
// change the ledger (its height is the same before and after). Most cases carry a valid token
// for the API that issued it, so that they get past authentication into validation and the ledger.
import fc from 'fast-check';
import request from 'supertest';
import { LedgerClient } from '@donation-ledger/client';
import { ADMIN_PASSWORD, Apis, paymentsToken, startApis } from './api-harness';
import { connectAs, ensureNgo, uniqueId } from './harness';
import { OpenApiDocument, operationsOf, ResponseChecker } from '../../packages/api/src/test-support/openapi-contract';
import { requestsOf } from '../../packages/api/src/test-support/openapi-requests';

interface Operation {
  readonly path: string;
  readonly method: string;
  readonly bodyProperties: readonly string[];
}

const CASES = 1200;

describe('fuzzing the REST API from its OpenAPI document', () => {
  let apis: Apis;
  let reader: LedgerClient;
  const tokens: Record<'admin' | 'staff' | 'donor', string> = { admin: '', staff: '', donor: '' };

  beforeAll(async () => {
    apis = await startApis();
    reader = await connectAs('ngo', 'staff1');
    const ngo = request(apis.ngo.server);
    const donor = request(apis.donor.server);
    const ngoAdmin = await connectAs('ngo', 'ngoadmin1');
    await ensureNgo(ngoAdmin, 'ngo-1').finally(() => ngoAdmin.close());
    tokens.admin = ((await ngo.post('/api/sessions').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(201)).body as { token: string }).token;
    const staff = { username: uniqueId('fzs').toLowerCase(), password: 'fuzz-staff-password' };
    await ngo.post('/api/accounts/staff').set('Authorization', `Bearer ${tokens.admin}`).send({ ...staff, ngoId: 'ngo-1' }).expect(201);
    tokens.staff = ((await ngo.post('/api/sessions').send(staff).expect(201)).body as { token: string }).token;
    const signUp = await donor.post('/api/accounts').send({ username: uniqueId('fz').toLowerCase(), password: 'fuzz-password', name: 'F', email: 'f@example.org' }).expect(201);
    tokens.donor = (signUp.body as { token: string }).token;
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
      // Four in five: a valid token, sent to the API that issued it; the rest: none, junk, or the wrong API.
      caller: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(['donor', 'donor'], ['ngo', 'admin'], ['ngo', 'staff']) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('donor', 'ngo'), fc.constantFrom('donor', 'admin', 'staff', 'none', 'garbage')) },
      ),
      params: fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('ngo-1', 'donation', 'spend', 'ngo', 'campaign', '0', 'a'.repeat(64))), { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(
        fc.constantFrom('pageSize', 'bookmark', 'x', 'access_token', 'ticket', 'limit', 'after', 'minBlock', 'afterTx', 'ngoId', 'q', 'format', 'from', 'to', 'status'),
        fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('1', '0', '-1', '201', 'csv', 'ngo-1', '99999999')),
        { maxKeys: 3 },
      ),
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
        const [api, auth] = c.caller as [string, string];
        const agent = request((api === 'donor' ? apis.donor : apis.ngo).server);
        let req = (agent as unknown as Record<string, (p: string) => request.Test>)[c.operation.method]?.(path);
        if (!req) return true;
        req = req.query(c.query);
        const token = auth === 'garbage' ? 'x.y.z' : auth === 'none' ? undefined : tokens[auth as keyof typeof tokens];
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
    // The cases reached every kind of answer, not only the validation layer: successes, bad
    // input, no or a foreign token, a role that may not, and records that do not exist.
    for (const status of [200, 400, 401, 403, 404]) expect(seen.get(status) ?? 0).toBeGreaterThan(0);
    expect(seen.get(200) ?? 0).toBeGreaterThan(CASES / 50);
  });

  test('the contract: requests built from the document, valid ones as each kind of caller, get only declared statuses and bodies that fit the declared schemas, and no 5xx', async () => {
    const doc = (await request(apis.donor.server).get('/openapi.json').expect(200)).body as OpenApiDocument;
    const checker = new ResponseChecker(doc);
    const payments = await paymentsToken(apis);
    // Real records, so that valid requests reach them: an NGO, and a donation of the donor's.
    const donationId = uniqueId('ct');
    await request(apis.donor.server).post('/api/donations').set('Authorization', `Bearer ${tokens.donor}`)
      .send({ id: donationId, ngoId: 'ngo-1', amount: '100', currency: 'EUR' }).expect(201);
    const named = { ngoId: 'ngo-1', donationId, recordType: 'ngo' };
    const callers = [
      { name: 'anonymous', api: apis.donor, token: '' }, { name: 'donor', api: apis.donor, token: tokens.donor },
      { name: 'payments', api: apis.donor, token: payments }, { name: 'ngo admin', api: apis.ngo, token: tokens.admin }, { name: 'ngo staff', api: apis.ngo, token: tokens.staff },
    ];
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let cases = 0;
    let invalidRequests = 0;
    const operations = operationsOf(doc);
    for (const op of operations) {
      // The live feed answers and then stays open: only its refusals are asked for here (web.test.ts reads the stream).
      const streams = Object.values(op.operation.responses).some((r) => r.content?.['text/event-stream']);
      const eligible = streams ? callers.slice(0, 1) : callers;
      /** The callers the valid request got past authentication and roles with. */
      const admitted: typeof callers = [];
      for (const built of requestsOf(op, named)) {
        // A valid request goes to every kind of caller: authentication, roles and the ledger's own
        // answers. An invalid one goes to one caller the route admits (round robin, so the same
        // callers every run), so that validation is what refuses it: what the document refuses never
        // reaches the ledger, and every invalid request as every role the route admits runs against
        // the same app on a fake ledger (packages/api/src/openapi.test.ts).
        const pool = admitted.length > 0 ? admitted : eligible;
        const to = built.kind === 'valid' ? eligible : [pool[invalidRequests++ % pool.length]!];
        for (const caller of to) {
          let req = (request(caller.api.server) as unknown as Record<string, (p: string) => request.Test>)[built.method]!(built.path).query(built.query).set(built.headers);
          if (caller.token) req = req.set('Authorization', `Bearer ${caller.token}`);
          const res = await (built.body === undefined ? req : req.send(built.body as object));
          cases++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const body: unknown = res.type.endsWith('json') ? res.body : res.text;
          const name = `${built.method.toUpperCase()} ${built.path} (${built.variant}) as ${caller.name}`;
          problems.push(...checker.check(op, res.status, res.headers['content-type'], body).map((p) => `${name}: ${p}`));
          if (res.status >= 500) problems.push(`${name}: ${res.status} ${JSON.stringify(body)}`);
          if (built.kind === 'invalid' && res.status < 400) problems.push(`${name}: the document refuses it, the API answered ${res.status}`);
          if (built.kind === 'valid' && ![401, 403, 429].includes(res.status) && !admitted.includes(caller)) admitted.push(caller);
        }
      }
    }
    process.stderr.write(`[contract] ${cases} cases (${invalidRequests} invalid requests, each as one caller) over ${operations.length} operations: ` +
      `${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`);
    expect(problems).toEqual([]);
    expect(operations.length).toBeGreaterThan(50);
    expect(invalidRequests).toBeGreaterThan(200);
    expect(cases).toBeGreaterThan(500);
    // Valid requests reached the ledger and the read model, not only authentication and validation.
    for (const status of [200, 201, 400, 401, 403, 404]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
  });
});
