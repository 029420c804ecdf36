// Component tests of the API: the real Express app over a fake ledger (no network). HTTP hygiene
// (headers, proxies, the feed's tickets, limits), the mapping of ledger errors to statuses through
// the one table, validation before the ledger, and who may do what.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError, LedgerErrorCode } from '@donation-ledger/client';
import request from 'supertest';
import { Role } from './accounts';
import { PUBLIC_DIR } from './app';
import { STATUS_BY_CODE } from './problems';
import { fakeApi } from './test-support/fake-app';

const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

describe('HTTP hygiene', () => {
  test.each([['an API answer', '/api/info'], ['a page of the web app', '/index.html'], ['a refusal', '/api/accounts/me'], ['an unknown path', '/nowhere']])(
    '%s carries a CSP that forbids inline scripts and framing, nosniff and no referrer', async (_what, path) => {
      const res = await request(fakeApi().app).get(path);
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    });

  test('the web app\'s pages hold no inline script, style or event handler, so the CSP can forbid them', () => {
    const pages = readdirSync(PUBLIC_DIR).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const html = readFileSync(join(PUBLIC_DIR, page), 'utf8');
      expect([page, html.match(/<script(?![^>]*\ssrc=)[^>]*>/gi)]).toEqual([page, null]);
      expect([page, html.match(/<style\b|\sstyle=|\son[a-z]+=/gi)]).toEqual([page, null]);
    }
  });

  test('when no proxy is trusted, a client cannot escape the login limit by naming other addresses in X-Forwarded-For', async () => {
    const { app } = fakeApi({ loginAttemptsPerMinute: 2 });
    const statuses = [];
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
      statuses.push((await request(app).post('/api/sessions').set('X-Forwarded-For', address).send({ username: 'nobody', password: 'wrong' })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });

  test('when the local proxy is trusted (TRUST_PROXY=loopback), the addresses it forwards are limited each on its own', async () => {
    const { app } = fakeApi({ loginAttemptsPerMinute: 2, trustProxy: 'loopback' });
    const statuses = [];
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.3', '10.0.0.3']) {
      statuses.push((await request(app).post('/api/sessions').set('X-Forwarded-For', address).send({ username: 'nobody', password: 'wrong' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  test('a feed ticket opens the feed once; a session token is no ticket, and a ticket is no session token', async () => {
    const api = fakeApi();
    const session = await api.tokenOf('donor');
    const { ticket } = (await request(api.app).post('/api/events/tickets').set(bearer(session)).expect(201)).body as { ticket: string };
    await request(api.app).get('/api/events').query({ ticket }).expect(200).expect('Content-Type', /text\/event-stream/);
    await request(api.app).get('/api/events').query({ ticket }).expect(401);
    await request(api.app).get('/api/events').query({ ticket: session }).expect(401);
    const another = (await request(api.app).post('/api/events/tickets').set(bearer(session)).expect(201)).body as { ticket: string };
    await request(api.app).get('/api/accounts/me').set(bearer(another.ticket)).expect(401);
    await request(api.app).get('/api/info').query({ ticket: another.ticket }).expect(400); // only the feed reads a ticket
  });

  test.each([['a proof', 'get', '/api/proofs/ngo/ngo-1'], ['a verification of the chain', 'post', '/api/ledger/verify']])(
    '%s is limited per client (EXPENSIVE_REQUESTS_PER_MINUTE)', async (_what, method, path) => {
      const api = fakeApi({ expensivePerMinute: 2 });
      const token = await api.tokenOf('donor');
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const req = request(api.app)[method as 'get'](path).set(bearer(token));
        statuses.push((await (method === 'post' ? req.send({}) : req)).status);
      }
      expect(statuses).toEqual([200, 200, 429]);
    });
});

describe('ledger errors, validation and access, over a fake ledger', () => {
  test.each(Object.entries(STATUS_BY_CODE) as [LedgerErrorCode, number][])('when the ledger answers %s, the API answers %i with that code', async (code, status) => {
    const api = fakeApi();
    api.ledger.answer('readNgo', () => Promise.reject(new LedgerError(code, `${code}: a message from the peer at /some/path`)));
    const res = await request(api.app).get('/api/ngos/ngo-1').set(bearer(await api.tokenOf('donor')));
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status, code });
    // Server-side failures keep their details (peer addresses, paths) in the log.
    if (status >= 500) expect(JSON.stringify(res.body)).not.toContain('/some/path');
  });

  test.each([
    ['an amount of zero', { ngoId: 'ngo-1', amount: '0', currency: 'EUR' }],
    ['an amount above the ledger\'s maximum', { ngoId: 'ngo-1', amount: 10 ** 15 + 1, currency: 'EUR' }],
    ['a currency outside ISO 4217', { ngoId: 'ngo-1', amount: '100', currency: 'XYZ' }],
    ['an id the ledger would refuse', { id: '-x', ngoId: 'ngo-1', amount: '100', currency: 'EUR' }],
  ])('a donation with %s is refused with 400 before the ledger is asked', async (_what, body) => {
    const api = fakeApi();
    const res = await request(api.app).post('/api/donations').set(bearer(await api.tokenOf('donor'))).set('Idempotency-Key', 'k-1').send(body);
    expect(res.status).toBe(400);
    expect((res.body as { code: string }).code).toBe('INVALID_REQUEST');
    expect(api.ledger.calls.filter((c) => c.method === 'donate')).toEqual([]);
  });

  const WRITES: [string, string, Role, object][] = [
    ['post', '/api/ngos', 'ngo-admin', { id: 'ngo-2', name: 'N' }],
    ['post', '/api/spends', 'ngo-staff', { id: 'sp-2', ngoId: 'ngo-1', amount: '10', currency: 'EUR', description: 'd', category: 'water' }],
    ['post', '/api/settlements', 'payments', { batchId: 'b-2', settlements: [{ donationId: 'don-1', paymentRef: 'p' }] }],
    ['post', '/api/donations', 'donor', { id: 'don-2', ngoId: 'ngo-1', amount: '10', currency: 'EUR' }],
    ['put', '/api/ngos/ngo-1/rating', 'donor', { score: 4 }],
  ];
  const ROLES: Role[] = ['donor', 'ngo-admin', 'ngo-staff', 'payments', 'org-admin'];

  test.each(WRITES)('%s %s: only the role %s may, the ledger is asked as that user; other roles get 403, no session 401', async (method, path, allowed, body) => {
    const api = fakeApi();
    const send = (headers: Record<string, string>) => request(api.app)[method as 'post'](path).set(headers).set('Idempotency-Key', `k-${Math.random()}`).send(body);
    expect((await send({})).status).toBe(401);
    for (const role of ROLES) {
      const token = await api.tokenOf(role, role === 'ngo-staff' ? 'ngo-1' : undefined);
      const res = await send(bearer(token));
      expect([role, res.status]).toEqual([role, role === allowed ? (method === 'put' ? 200 : 201) : 403]);
    }
    expect(api.ledger.calls).toHaveLength(1);
    expect((await api.users.get(api.ledger.calls[0]?.username ?? ''))?.role).toBe(allowed);
  });

  test('a retried write with the same Idempotency-Key gets the first answer, and the ledger is asked once', async () => {
    const api = fakeApi();
    const token = await api.tokenOf('donor');
    const donate = () => request(api.app).post('/api/donations').set(bearer(token)).set('Idempotency-Key', 'retry-1').send({ ngoId: 'ngo-1', amount: '10', currency: 'EUR' });
    const first = await donate();
    const again = await donate();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(api.ledger.calls.filter((c) => c.method === 'donate')).toHaveLength(1);
  });

  test('donors sign up only on the donor platform\'s API', async () => {
    const signUp = { username: 'ana', password: 'a password of 10+', name: 'Ana', email: 'ana@example.org' };
    await request(fakeApi({ donorSignUp: false }).app).post('/api/accounts').send(signUp).expect(404);
    const res = await request(fakeApi({ donorSignUp: true }).app).post('/api/accounts').send(signUp).expect(201);
    expect(res.body).toMatchObject({ username: 'ana', role: 'donor' });
  });
});
