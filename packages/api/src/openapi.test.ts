// The OpenAPI document, held to the API that serves it, without a network (a fake ledger): every
// answer to requests built from the document is declared there and fits its schema; the document
// is as strict as validation; and a client can be generated from it and compiled.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
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

  beforeAll(async () => {
    api = fakeApi();
    doc = (await request(api.app).get('/openapi.json').expect(200)).body as OpenApiDocument;
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
          let req = request(api.app)[built.method as 'get'](built.path).query(built.query).set(built.headers);
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

  test('TypeScript types generated from the document (openapi-typescript) compile with a small client, and keep the document\'s rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-types-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      // Its command line, as a project would run it (the package is ESM-only inside, which Jest's CommonJS cannot load).
      const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
      execFileSync(process.execPath, [cli, join(dir, 'openapi.json'), '--output', join(dir, 'api.d.ts')], { stdio: 'pipe' });
      writeFileSync(join(dir, 'client.ts'), CLIENT);
      const program = ts.createProgram([join(dir, 'client.ts')], {
        strict: true, noEmit: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
      // The client really was compiled against the generated paths (an empty program has no diagnostics either).
      expect(program.getSourceFiles().map((f) => f.fileName)).toEqual(expect.arrayContaining([join(dir, 'api.d.ts'), join(dir, 'client.ts')]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

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
    }), { numRuns: 2000 });
  });
});

/**
 * A client written against the generated types: reads, a write, an error; the @ts-expect-error
 * lines fail the compilation if the document stops refusing what validation refuses.
 */
const CLIENT = `
import type { components, paths } from './api';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never;
type Body<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type Ngo = components['schemas']['Ngo'];
export type Problem = components['schemas']['Problem'];

export function namesOf(page: Json<'/api/ngos', 'get', 200>): string[] {
  return page.records.map((ngo: Ngo) => ngo.name);
}

export function leftOf(written: Json<'/api/donations', 'post', 201>): bigint {
  return BigInt(written.record.remaining) + BigInt(written.blockNumber);
}

export function nextCursor(listing: Json<'/api/read/donations', 'get', 200>): string | null {
  return listing.items.length > 0 ? listing.next : null;
}

export function describe(problem: Problem): string {
  return problem.code + ' ' + problem.status + ': ' + problem.detail;
}

export const pledge: Body<'/api/donations', 'post'> = { ngoId: 'ngo-1', amount: '2500', currency: 'EUR' };
// @ts-expect-error the currency is one of ISO 4217
export const notACurrency: Body<'/api/donations', 'post'> = { ngoId: 'ngo-1', amount: '2500', currency: 'XXY' };
// @ts-expect-error a field the API does not take
export const extra: Body<'/api/donations', 'post'> = { ngoId: 'ngo-1', amount: '2500', currency: 'EUR', tip: 1 };
export const history: paths['/api/history/{recordType}/{id}']['get']['parameters']['path'] = { recordType: 'proposal', id: 'p-1' };
`;
