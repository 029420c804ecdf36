// The OpenAPI document, held to the API that serves it, without a network (a fake ledger): every
// answer to requests built from the document is declared there and fits its schema; the document
// is as strict as validation; and a client can be generated from it and compiled.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MAX_AMOUNT } from '@donation-ledger/model';
import request from 'supertest';
import { Role } from './accounts';
import { AMOUNT_STRING_PATTERN, amount } from './schemas';
import { fakeApi, FakeApi } from './test-support/fake-app';
import { OpenApiDocument, operationsOf, ResponseChecker } from './test-support/openapi-contract';
import { requestsOf } from './test-support/openapi-requests';

describe('the OpenAPI document', () => {
  let api: FakeApi;
  let doc: OpenApiDocument;
  // One listening server for the whole sweep: given the app itself, supertest would start and
  // stop a server for each of the thousand requests.
  let server: Server;

  beforeAll(async () => {
    api = fakeApi();
    server = api.app.listen(0, '127.0.0.1');
    doc = (await request(server).get('/openapi.json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('every operation declares a schema for its success body and the Problem schema for every error', () => {
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(50);
    for (const { method, path, operation } of operations) {
      const statuses = Object.keys(operation.responses).map(Number);
      const success = statuses.filter((s) => s < 400);
      expect([`${method} ${path}`, success.length]).toEqual([`${method} ${path}`, 1]);
      const content = operation.responses[String(success[0])]?.content ?? {};
      expect([`${method} ${path}`, Object.keys(content).length > 0]).toEqual([`${method} ${path}`, true]);
      for (const media of Object.values(content)) expect(media.schema).toBeDefined();
      for (const status of statuses.filter((s) => s >= 400)) expect(operation.responses[String(status)]).toEqual({ $ref: '#/components/responses/Problem' });
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Ngo', 'Campaign', 'Donation', 'Spend', 'Proposal', 'Problem', 'NgoPage', 'WrittenDonation']));
  });

  test('when requests built from the document are sent as every role, every answer is declared and fits its schema, and none is a 5xx', async () => {
    const checker = new ResponseChecker(doc);
    const roles: (Role | 'anonymous')[] = ['anonymous', 'donor', 'ngo-admin', 'ngo-staff', 'payments', 'org-admin'];
    const tokens = Object.fromEntries(await Promise.all(roles.map(async (r) => [r, r === 'anonymous' ? '' : await api.tokenOf(r, r === 'ngo-staff' ? 'ngo-1' : undefined)])));
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let cases = 0;
    for (const op of operationsOf(doc)) {
      // A request the document refuses is sent as those who pass authentication (the route's roles), to see validation refuse it;
      // the valid ones as everyone, to see authentication and roles too.
      const allowed = /^Roles: (.*)$/.exec(op.operation.description ?? '')?.[1]?.split(', ') ?? ['donor'];
      for (const built of requestsOf(op)) {
        for (const role of built.kind === 'valid' ? roles : roles.filter((r) => allowed.includes(r))) {
          let req = request(server)[built.method as 'get'](built.path).query(built.query).set(built.headers);
          if (tokens[role]) req = req.set('Authorization', `Bearer ${tokens[role]}`);
          const res = await (built.body === undefined ? req : req.send(built.body as object));
          cases++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const body: unknown = res.type.endsWith('json') ? res.body : res.text;
          problems.push(...checker.check(op, res.status, res.headers['content-type'], body).map((p) => `${built.variant} as ${role}: ${p}`));
          // The fake has no read model: its routes answer the declared 503 saying so; any other 5xx is a fault.
          const readModelOff = res.status === 503 && (body as { code?: string }).code === 'READ_MODEL_UNAVAILABLE';
          if (res.status >= 500 && !readModelOff) problems.push(`${built.variant} as ${role}: ${res.status} ${JSON.stringify(body)}`);
          // What the document refuses, the API refuses (as a bad request, or before: no session or role).
          if (built.kind === 'invalid' && res.status < 400) problems.push(`${built.method} ${built.path} (${built.variant}) as ${role}: the document refuses it, the API answered ${res.status}`);
        }
      }
    }
    process.stderr.write(`[openapi] ${cases} cases against the fake ledger: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`);
    expect(problems).toEqual([]);
    expect(cases).toBeGreaterThan(500);
    // The cases reached the handlers, not only authentication and validation.
    for (const status of [200, 201, 400, 401, 403]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  }, 60_000);

  test('the committed document (packages/api/openapi/openapi.json) is the one the API serves, so the types generated from it are too', () => {
    // The generated types (openapi/types.d.ts) and the small client compiled against them
    // (test-support/openapi-client.ts) are checked by the suite's type-check step; see
    // check_openapi_types in scripts/lib.sh. RECORD_OPENAPI=1 rewrites both files.
    if (process.env.RECORD_OPENAPI === '1') recordOpenApi(doc);
    const committed: unknown = JSON.parse(readFileSync(COMMITTED_DOCUMENT, 'utf8'));
    expect(isDeepStrictEqual(committed, doc) ? 'current' : 'stale: rewrite it with RECORD_OPENAPI=1 npx jest packages/api/src/openapi.test.ts').toBe('current');
  });

  test('an amount string fits the document\'s pattern exactly when validation accepts it (1 to MAX_AMOUNT minor units)', () => {
    const pattern = new RegExp(AMOUNT_STRING_PATTERN.source);
    const candidates = fc.oneof(
      fc.bigInt({ min: 0n, max: MAX_AMOUNT * 10n }).map(String),
      fc.bigInt({ min: 0n, max: MAX_AMOUNT * 10n }).chain((n) => fc.nat({ max: 6 }).map((zeros) => '0'.repeat(zeros) + String(n))),
      fc.string({ maxLength: 21 }),
      fc.constantFrom('0', '1', String(MAX_AMOUNT), String(MAX_AMOUNT + 1n), `000${String(MAX_AMOUNT)}`, '0'.repeat(19), `${'0'.repeat(18)}1`, `${'0'.repeat(19)}1`),
    );
    fc.assert(fc.property(candidates, (text) => {
      const byRule = /^\d{1,19}$/.test(text) && BigInt(text) >= 1n && BigInt(text) <= MAX_AMOUNT;
      expect([text, pattern.test(text)]).toEqual([text, byRule]);
      expect([text, amount.safeParse(text).success]).toEqual([text, byRule]);
    }), { numRuns: 500 });
  });
});

const OPENAPI_DIR = join(__dirname, '..', 'openapi');
const COMMITTED_DOCUMENT = join(OPENAPI_DIR, 'openapi.json');

/** Writes the served document and the TypeScript types openapi-typescript generates from it. */
function recordOpenApi(doc: OpenApiDocument): void {
  writeFileSync(COMMITTED_DOCUMENT, `${JSON.stringify(doc, null, 2)}\n`);
  // Its command line, as a project would run it (the package is ESM-only inside, which Jest's CommonJS cannot load).
  const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
  execFileSync(process.execPath, [cli, COMMITTED_DOCUMENT, '--output', join(OPENAPI_DIR, 'types.d.ts')], { stdio: 'pipe' });
}
