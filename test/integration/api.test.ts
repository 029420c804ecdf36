// The REST API against the real network: every route, the error mapping, the access matrix.
import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import request from 'supertest';
import { Tokens } from '@donation-ledger/api';
import { ADMIN_PASSWORD, Apis, paymentsToken, settleThroughApi, startApis, startExtraApi } from './api-harness';
import { openWindow, uniqueId } from './harness';

type Agent = ReturnType<typeof request>;

describe('the REST API', () => {
  let apis: Apis;
  let donorApi: Agent;
  let ngoApi: Agent;
  const tokens: Record<string, string> = {};
  const ngoA = uniqueId('ngo');
  const ngoB = uniqueId('ngo');
  const donorName = uniqueId('donor').toLowerCase();

  const auth = (who: string): { Authorization: string } => ({ Authorization: `Bearer ${tokens[who] ?? 'none'}` });
  const login = async (api: Agent, username: string, password: string): Promise<string> => {
    const res = await api.post('/api/sessions').send({ username, password }).expect(201);
    return (res.body as { token: string }).token;
  };

  beforeAll(async () => {
    apis = await startApis();
    donorApi = request(apis.donor.server);
    ngoApi = request(apis.ngo.server);
    tokens.admin = await login(ngoApi, 'admin', ADMIN_PASSWORD);
    for (const [id, name] of [[ngoA, 'API Water'], [ngoB, 'API Seeds']]) {
      await ngoApi.post('/api/ngos').set(auth('admin')).send({ id, name }).expect(201);
    }
    await ngoApi.post('/api/accounts/staff').set(auth('admin')).send({ username: 'staff-a', password: 'staff-password-a', ngoId: ngoA }).expect(201);
    await ngoApi.post('/api/accounts/staff').set(auth('admin')).send({ username: 'staff-b', password: 'staff-password-b', ngoId: ngoB }).expect(201);
    tokens.staffA = await login(ngoApi, 'staff-a', 'staff-password-a');
    tokens.staffB = await login(ngoApi, 'staff-b', 'staff-password-b');
    const signedUp = await donorApi.post('/api/accounts').send({ username: donorName, password: 'donor-password', name: 'Ada', email: 'ada@example.org' }).expect(201);
    tokens.donor = (signedUp.body as { token: string }).token;
  });

  afterAll(async () => {
    await apis.stop();
  });

  describe('health, metrics and documentation', () => {
    test('live and ready answer; ready reports the ledger height', async () => {
      await donorApi.get('/health/live').expect(200, { status: 'ok' });
      const ready = await donorApi.get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ready', org: 'donorplatform', height: expect.any(Number) });
    });

    test('metrics are Prometheus text with request counts', async () => {
      const res = await donorApi.get('/metrics').expect(200);
      expect(res.text).toContain('http_requests_total');
      expect(res.text).toContain('process_cpu_seconds_total');
    });

    test('the OpenAPI 3.1 document describes every route with the schemas that validate it', async () => {
      const doc = (await donorApi.get('/openapi.json').expect(200)).body as { openapi: string; paths: Record<string, Record<string, any>> };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/donations', '/api/spends', '/api/ngos/{ngoId}', '/api/ledger/verify', '/api/events']));
      const schema = doc.paths['/api/donations']?.post?.requestBody?.content['application/json'].schema;
      expect(schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['ngoId', 'amount', 'currency']), additionalProperties: false });
    });

    test('the web app and the docs page are served, and each instance says which org it serves', async () => {
      const res = await donorApi.get('/').expect(200);
      expect(res.text).toContain('<title>Donation ledger</title>');
      expect((await donorApi.get('/docs').expect(200)).text).toContain('<title>Donation ledger API</title>');
      await donorApi.get('/api/info').expect(200, { org: 'donorplatform', donorSignUp: true });
      await ngoApi.get('/api/info').expect(200, { org: 'ngo', donorSignUp: false });
    });

    test('a method a path does not have is a 405 whose Allow header names the methods it has', async () => {
      const ngo = await donorApi.delete('/api/ngos/ngo-1').expect(405);
      expect(ngo.headers.allow).toBe('GET, HEAD');
      expect(ngo.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
      expect((await donorApi.trace('/api/ngos').expect(405)).headers.allow).toBe('GET, HEAD, POST');
      expect((await donorApi.patch('/openapi.json').expect(405)).headers.allow).toBe('GET, HEAD');
      await donorApi.delete('/api/no-such-thing').expect(404);
    });

    test('every answer carries the security headers: a same-origin CSP that forbids framing, nosniff, no referrer', async () => {
      for (const res of [await donorApi.get('/'), await donorApi.get('/api/info'), await donorApi.get('/api/nothing-here')]) {
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
      }
    });
  });

  describe('accounts', () => {
    test('sign-up enrolls the donor: the token works and the details are private data the donor can read back', async () => {
      const me = await donorApi.get('/api/accounts/me').set(auth('donor')).expect(200);
      expect(me.body).toMatchObject({ username: donorName, role: 'donor' });
    });

    test.each([
      ['a taken username', () => ({ username: donorName, password: 'another-password', name: 'X', email: 'x@example.org' }), 409],
      ['a short password', () => ({ username: 'shorty', password: 'short', name: 'X', email: 'x@example.org' }), 400],
      ['an extra field', () => ({ username: 'extra1', password: 'long-enough-pw', name: 'X', email: 'x@example.org', role: 'ngo-admin' }), 400],
      ['a bad email', () => ({ username: 'bademail', password: 'long-enough-pw', name: 'X', email: 'nope' }), 400],
    ])('sign-up with %s is refused (%p)', async (_what, body, status) => {
      await donorApi.post('/api/accounts').send(body()).expect(status);
    });

    test("donors cannot sign up on the NGO org's API", async () => {
      await ngoApi.post('/api/accounts').send({ username: 'wrongplace', password: 'long-enough-pw', name: 'X', email: 'x@example.org' }).expect(404);
    });

    test('a wrong password, a forged token and an expired token are 401', async () => {
      await donorApi.post('/api/sessions').send({ username: donorName, password: 'wrong-password' }).expect(401);
      await donorApi.get('/api/accounts/me').set({ Authorization: 'Bearer not.a.token' }).expect(401);
      const [stored] = await apis.donor.database.query<{ value: string }>("select value from api_settings where name = 'token-key'");
      const key = Buffer.from(stored?.value ?? '', 'base64');
      const expired = await new Tokens(key, -60, 'donation-ledger-api:donorplatform').issue({ username: donorName, role: 'donor' });
      await donorApi.get('/api/accounts/me').set({ Authorization: `Bearer ${expired.token}` }).expect(401);
      const otherInstance = await new Tokens(Buffer.alloc(32, 7), 600, 'donation-ledger-api:donorplatform').issue({ username: donorName, role: 'donor' });
      await donorApi.get('/api/accounts/me').set({ Authorization: `Bearer ${otherInstance.token}` }).expect(401);
    });

    test('staff accounts are for the NGO org admin only, and for NGOs that exist', async () => {
      await ngoApi.post('/api/accounts/staff').set(auth('staffA')).send({ username: 'sneaky', password: 'long-enough-pw', ngoId: ngoA }).expect(403);
      await ngoApi.post('/api/accounts/staff').set(auth('admin')).send({ username: 'ghost', password: 'long-enough-pw', ngoId: 'no-such-ngo' }).expect(404);
    });
  });

  describe('a donation traced to the spend it paid for', () => {
    test('donate, record a spend, and see the allocation, history, proofs and a verified ledger', async () => {
      // No id in the body: the Idempotency-Key names the donation, so a blind retry could not write it twice.
      const donated = await donorApi.post('/api/donations').set(auth('donor')).set('Idempotency-Key', randomUUID()).send({ ngoId: ngoA, amount: '2500', currency: 'EUR' }).expect(201);
      const donation = donated.body as { record: { id: string }; transactionId: string; blockNumber: string };
      expect(donation).toMatchObject({ record: { ngoId: ngoA, amount: '2500', status: 'pledged', remaining: '0' }, transactionId: expect.stringMatching(/^[0-9a-f]{64}$/), blockNumber: expect.stringMatching(/^\d+$/) });
      await settleThroughApi(apis, [donation.record.id]);

      const spent = await ngoApi.post('/api/spends').set(auth('staffA')).send({ id: uniqueId('sp'), ngoId: ngoA, amount: 1000, currency: 'EUR', description: 'Pump', category: 'water', receiptHash: 'b'.repeat(64) }).expect(201);
      expect(spent.body).toMatchObject({ record: { allocations: [{ donationId: donation.record.id, amount: '1000' }] } });

      const trace = await donorApi.get(`/api/donations/${donation.record.id}/allocations`).set(auth('donor')).expect(200);
      expect(trace.body).toMatchObject({ records: [{ amount: '1000', spend: { description: 'Pump' } }] });
      await donorApi.get(`/api/donations/${donation.record.id}`).set(auth('donor')).expect(200).expect((res) => expect(res.body).toMatchObject({ remaining: '1500' }));
      const mine = await donorApi.get('/api/donations/mine').set(auth('donor')).expect(200);
      expect((mine.body as { records: { id: string }[] }).records.map((d) => d.id)).toContain(donation.record.id);
      const balance = await ngoApi.get(`/api/ngos/${ngoA}/balance`).set(auth('staffA')).expect(200);
      expect(balance.body).toMatchObject({ balances: [{ campaignId: '', currency: 'EUR', unspent: '1500' }] });
      await ngoApi.get(`/api/ngos/${ngoA}/spends`).set(auth('staffA')).expect(200);
      await ngoApi.get(`/api/ngos/${ngoA}/donations`).set(auth('staffA')).expect(200);
      await ngoApi.get(`/api/spends/${(spent.body as { record: { id: string } }).record.id}`).set(auth('staffA')).expect(200);

      const history = await donorApi.get(`/api/history/donation/${donation.record.id}`).set(auth('donor')).expect(200);
      expect((history.body as { value: { remaining: string; status: string } }[]).map((r) => [r.value.status, r.value.remaining])).toEqual([['pledged', '0'], ['settled', '2500'], ['settled', '1500']]);
      const proofs = await donorApi.get(`/api/proofs/donation/${donation.record.id}`).set(auth('donor')).expect(200);
      expect(proofs.body).toEqual([
        expect.objectContaining({ txId: donation.transactionId, blockNumber: Number(donation.blockNumber), validationCode: 0 }),
        expect.objectContaining({ validationCode: 0 }), // settled
        expect.objectContaining({ validationCode: 0 }), // spent from
      ]);

      const digest = (await donorApi.get('/api/ledger/digest').set(auth('donor')).expect(200)).body as { height: number };
      const verified = await donorApi.post('/api/ledger/verify').set(auth('donor')).send({ digest }).expect(200);
      expect(verified.body).toMatchObject({ ok: true });
      await donorApi.post('/api/ledger/verify').set(auth('donor')).send({ digest: { ...digest, height: digest.height + 1000 } }).expect(400);
    });

    test('campaigns and ratings', async () => {
      const campaignId = uniqueId('camp');
      await ngoApi.post('/api/campaigns').set(auth('staffA')).send({ id: campaignId, ngoId: ngoA, name: 'Wells', goal: 100000, currency: 'EUR', ...openWindow() }).expect(201);
      await ngoApi.get(`/api/campaigns/${campaignId}`).set(auth('staffA')).expect(200);
      const pledge = await donorApi.post('/api/donations').set(auth('donor')).send({ id: uniqueId('don'), ngoId: ngoA, campaignId, amount: 50, currency: 'EUR' }).expect(201);
      await settleThroughApi(apis, [(pledge.body as { record: { id: string } }).record.id]);
      const listed = await donorApi.get(`/api/campaigns/${campaignId}/donations`).set(auth('donor')).expect(200);
      expect((listed.body as { records: unknown[] }).records).toHaveLength(1);
      await donorApi.get(`/api/ngos/${ngoA}/campaigns?pageSize=100`).set(auth('donor')).expect(200);
      await donorApi.put(`/api/ngos/${ngoA}/rating`).set(auth('donor')).send({ score: 5 }).expect(200);
      await donorApi.put(`/api/ngos/${ngoB}/rating`).set(auth('donor')).send({ score: 5 }).expect(403);
      const ratings = await donorApi.get(`/api/ngos/${ngoA}/ratings`).set(auth('donor')).expect(200);
      expect(ratings.body).toMatchObject({ records: [{ score: 5 }] });
    });

    test('the NGO admin suspends and reactivates an NGO', async () => {
      await ngoApi.put(`/api/ngos/${ngoB}/status`).set(auth('admin')).send({ status: 'suspended' }).expect(200);
      await donorApi.post('/api/donations').set(auth('donor')).send({ id: uniqueId('don'), ngoId: ngoB, amount: 5, currency: 'EUR' }).expect(409);
      await ngoApi.put(`/api/ngos/${ngoB}/status`).set(auth('admin')).send({ status: 'active' }).expect(200);
      await donorApi.get(`/api/ngos/${ngoB}`).set(auth('donor')).expect(200).expect((res) => expect(res.body).toMatchObject({ status: 'active' }));
      await donorApi.get('/api/ngos?pageSize=2').set(auth('donor')).expect(200);
    });
  });

  describe('errors: the right status and one problem-details shape, and nothing written', () => {
    const expectProblem = (res: request.Response, status: number, code: string): void => {
      expect(res.status).toBe(status);
      expect(res.type).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack trace
    };

    test.each([
      ['an unknown NGO', { ngoId: 'no-such-ngo', amount: 5, currency: 'EUR' }, 404, 'NOT_FOUND'],
      ['a negative amount', { ngoId: 'x', amount: -5, currency: 'EUR' }, 400, 'INVALID_REQUEST'],
      ['a fractional amount', { ngoId: 'x', amount: '1.5', currency: 'EUR' }, 400, 'INVALID_REQUEST'],
      ['an amount of the wrong type', { ngoId: 'x', amount: true, currency: 'EUR' }, 400, 'INVALID_REQUEST'],
      // The API checks the ledger's ISO 4217 list and amount limit itself (the document lists them), before the chaincode would.
      ['an unknown currency', { ngoId: 'x', amount: 5, currency: 'XYZ' }, 400, 'INVALID_REQUEST'],
      ['an amount above the ledger\'s maximum', { ngoId: 'x', amount: '1000000000000001', currency: 'EUR' }, 400, 'INVALID_REQUEST'],
      ['a missing field', { ngoId: 'x', currency: 'EUR' }, 400, 'INVALID_REQUEST'],
      ['an extra field', { ngoId: 'x', amount: 5, currency: 'EUR', donor: 'someone-else' }, 400, 'INVALID_REQUEST'],
      ['neither an id nor an Idempotency-Key', { ngoId: 'x', amount: 5, currency: 'EUR', noKey: true }, 400, 'INVALID_REQUEST'],
    ] as [string, Record<string, unknown>, number, string][])('a donation with %s', async (_what, { noKey, ...body }, status, code) => {
      const req = donorApi.post('/api/donations').set(auth('donor'));
      expectProblem(await (noKey ? req : req.set('Idempotency-Key', randomUUID())).send(body), status, code);
    });

    test('a retried POST with the same Idempotency-Key gets the first answer and writes nothing; another body with that key is 422', async () => {
      const key = randomUUID();
      const first = await donorApi.post('/api/donations').set(auth('donor')).set('Idempotency-Key', key).send({ ngoId: ngoA, amount: 7, currency: 'EUR' }).expect(201);
      const retry = await donorApi.post('/api/donations').set(auth('donor')).set('Idempotency-Key', key).send({ ngoId: ngoA, amount: 7, currency: 'EUR' }).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      const id = (first.body as { record: { id: string } }).record.id;
      const history = await donorApi.get(`/api/history/donation/${id}`).set(auth('donor')).expect(200);
      expect(history.body).toHaveLength(1);
      expectProblem(await donorApi.post('/api/donations').set(auth('donor')).set('Idempotency-Key', key).send({ ngoId: ngoA, amount: 8, currency: 'EUR' }), 422, 'IDEMPOTENCY_KEY_REUSED');
    });

    test("settling is the payment service's: a donor's settlement is 403, and a batch naming an unknown donation writes nothing", async () => {
      const pledge = (await donorApi.post('/api/donations').set(auth('donor')).send({ id: uniqueId('don'), ngoId: ngoA, amount: 9, currency: 'EUR' }).expect(201)).body as { record: { id: string } };
      const batch = { batchId: uniqueId('batch'), settlements: [{ donationId: pledge.record.id, paymentRef: 'psp-1' }] };
      expectProblem(await donorApi.post('/api/settlements').set(auth('donor')).send(batch), 403, 'FORBIDDEN');
      const payments = { Authorization: `Bearer ${await paymentsToken(apis)}` };
      const mixed = { ...batch, settlements: [...batch.settlements, { donationId: uniqueId('none'), paymentRef: 'psp-2' }] };
      expectProblem(await donorApi.post('/api/settlements').set(payments).send(mixed), 404, 'NOT_FOUND');
      await donorApi.get(`/api/donations/${pledge.record.id}`).set(auth('donor')).expect(200).expect((res) => expect(res.body).toMatchObject({ status: 'pledged' }));
      await donorApi.post('/api/settlements').set(payments).send(batch).expect(201);
      await donorApi.post(`/api/donations/${pledge.record.id}/cancellation`).set(auth('donor')).expect(409);
      const refunded = await donorApi.post(`/api/donations/${pledge.record.id}/refunds`).set(payments).send({ paymentRef: 'psp-back', reason: 'test' }).expect(201);
      expect(refunded.body).toMatchObject({ record: { amount: '9', donationId: pledge.record.id } });
      await donorApi.get(`/api/donations/${pledge.record.id}`).set(auth('donor')).expect(200).expect((res) => expect(res.body).toMatchObject({ status: 'refunded', refunded: '9', remaining: '0' }));
    });

    test('the same donation id twice is 409, and the first stays as it was', async () => {
      const id = uniqueId('don');
      await donorApi.post('/api/donations').set(auth('donor')).send({ id, ngoId: ngoA, amount: 10, currency: 'EUR' }).expect(201);
      expectProblem(await donorApi.post('/api/donations').set(auth('donor')).send({ id, ngoId: ngoA, amount: 99, currency: 'EUR' }), 409, 'ALREADY_EXISTS');
      await donorApi.get(`/api/donations/${id}`).set(auth('donor')).expect(200).expect((res) => expect(res.body).toMatchObject({ amount: '10' }));
    });

    test('a spend beyond the unspent money is 422 INSUFFICIENT_FUNDS', async () => {
      expectProblem(await ngoApi.post('/api/spends').set(auth('staffB')).send({ id: uniqueId('sp'), ngoId: ngoB, amount: 10 ** 12, currency: 'EUR', description: 'Too much', category: 'test' }), 422, 'INSUFFICIENT_FUNDS');
    });

    test('malformed JSON, a huge body, a wrong content type, an unknown route, a method the route lacks, a page too large', async () => {
      expectProblem(await donorApi.post('/api/donations').set(auth('donor')).set('Content-Type', 'application/json').send('{"ngoId": '), 400, 'MALFORMED_JSON');
      expectProblem(await donorApi.post('/api/donations').set(auth('donor')).send({ ngoId: 'x'.repeat(100_000), amount: 1, currency: 'EUR' }), 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(await donorApi.post('/api/donations').set(auth('donor')).set('Content-Type', 'text/plain').send('amount=5'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await donorApi.get('/api/nothing-here').set(auth('donor')), 404, 'NOT_FOUND');
      expectProblem(await donorApi.get('/api/donations/bad%20id').set(auth('donor')), 400, 'INVALID_REQUEST');
      expectProblem(await donorApi.get('/api/donations').set(auth('donor')), 405, 'METHOD_NOT_ALLOWED'); // POST only
      expectProblem(await donorApi.get('/api/ngos?pageSize=1000').set(auth('donor')), 400, 'INVALID_REQUEST');
    });
  });

  describe('access matrix', () => {
    type Who = 'anonymous' | 'donor' | 'staffA' | 'staffB';
    const writes: [string, (api: { donor: Agent; ngo: Agent }, who: Who) => request.Test, Record<Who, number>][] = [
      ['POST /api/ngos', ({ ngo }) => ngo.post('/api/ngos').send({ id: uniqueId('ngo'), name: 'M' }), { anonymous: 401, donor: 401, staffA: 403, staffB: 403 }],
      ['POST /api/donations', ({ donor }) => donor.post('/api/donations').send({ id: uniqueId('don'), ngoId: ngoA, amount: 1, currency: 'EUR' }), { anonymous: 401, donor: 201, staffA: 401, staffB: 401 }],
      ['POST /api/spends (NGO A)', ({ ngo }) => ngo.post('/api/spends').send({ id: uniqueId('sp'), ngoId: ngoA, amount: 1, currency: 'EUR', description: 'M', category: 'test' }), { anonymous: 401, donor: 401, staffA: 201, staffB: 403 }],
      ['POST /api/campaigns (NGO A)', ({ ngo }) => ngo.post('/api/campaigns').send({ id: uniqueId('camp'), ngoId: ngoA, name: 'M', goal: 1, currency: 'EUR', ...openWindow() }), { anonymous: 401, donor: 401, staffA: 201, staffB: 403 }],
      ['PUT /api/ngos/:id/status', ({ ngo }) => ngo.put(`/api/ngos/${ngoA}/status`).send({ status: 'active' }), { anonymous: 401, donor: 401, staffA: 403, staffB: 403 }],
      ['POST /api/accounts/staff', ({ ngo }) => ngo.post('/api/accounts/staff').send({ username: uniqueId('s').toLowerCase(), password: 'long-enough-pw', ngoId: ngoA }), { anonymous: 401, donor: 401, staffA: 403, staffB: 403 }],
      ['GET /api/donations/mine', ({ donor }) => donor.get('/api/donations/mine'), { anonymous: 401, donor: 200, staffA: 401, staffB: 401 }],
    ];
    const cases = writes.flatMap(([name, call, expected]) => (Object.keys(expected) as Who[]).map((who) => [name, who, call, expected[who]] as const));

    // Tokens belong to one instance: a donor's token means nothing to the NGO org's API, and staff tokens nothing to the donor platform's.
    test.each(cases)('%s as %s', async (_name, who, call, status) => {
      const req = call({ donor: donorApi, ngo: ngoApi }, who);
      if (who !== 'anonymous') void req.set(auth(who === 'donor' ? 'donor' : who));
      await req.expect(status);
    });
  });

  describe('the live feed and the login limit', () => {
    test('the feed opens with a short-lived ticket only: not with a session token in the URL, nor a ticket as a bearer token', async () => {
      const issued = await donorApi.post('/api/events/tickets').set(auth('donor')).expect(201);
      const { ticket, expiresAt } = issued.body as { ticket: string; expiresAt: string };
      expect(ticket).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(30_000);
      await donorApi.get(`/api/events?access_token=${tokens.donor ?? ''}`).expect(401);
      await donorApi.get(`/api/events?ticket=${tokens.donor ?? ''}`).expect(401);
      await donorApi.get('/api/accounts/me').set({ Authorization: `Bearer ${ticket}` }).expect(401);
      await donorApi.post('/api/events/tickets').expect(401);
    });

    test('a committed donation appears on the Server-Sent Events stream', async () => {
      const { ticket } = (await donorApi.post('/api/events/tickets').set(auth('donor')).expect(201)).body as { ticket: string };
      const received = new Promise<string>((resolve, reject) => {
        const req = get(`${apis.donor.url}/api/events?ticket=${ticket}`, (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            if (buffer.includes('DonationRecorded')) {
              req.destroy();
              resolve(buffer);
            }
          });
        });
        req.on('error', (err) => (err.message.includes('aborted') || err.message.includes('socket hang up') ? undefined : reject(err)));
        setTimeout(() => reject(new Error('no event within 20s')), 20_000).unref();
      });
      await new Promise((r) => setTimeout(r, 500)); // let the feed subscribe
      const id = uniqueId('don');
      await donorApi.post('/api/donations').set(auth('donor')).send({ id, ngoId: ngoA, amount: 3, currency: 'EUR' }).expect(201);
      expect(await received).toContain(id);
    });

    test('logins are rate-limited per client, and a client cannot escape the limit by naming another address in X-Forwarded-For', async () => {
      // On an instance of its own with a small limit: every attempt under the limit hashes a
      // password (about a second each on a busy 2-core machine), and the suite's instances allow
      // LOGIN_LIMIT (40) a minute for the logins of the other tests.
      const limit = 3;
      const limited = await startExtraApi('donorplatform', { LOGIN_ATTEMPTS_PER_MINUTE: String(limit), INDEXER: 'off' });
      try {
        // All at once: the limit counts attempts per minute as they arrive.
        const attempts = Array.from({ length: limit + 1 }, (_, i) =>
          request(limited.api.server).post('/api/sessions').set('X-Forwarded-For', `203.0.113.${i}`).send({ username: 'nobody', password: 'wrong' }));
        const statuses = (await Promise.all(attempts)).map((res) => res.status);
        expect(statuses).toContain(429);
        expect(statuses.filter((s) => s !== 429 && s !== 401)).toEqual([]);
      } finally {
        await limited.stop();
      }
    });

    test('proofs and chain verifications, which read many blocks, are rate-limited per client', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 14; i++) statuses.push((await donorApi.get('/api/proofs/ngo/ngo-1').set(auth('donor'))).status);
      expect(statuses.slice(0, 2)).not.toContain(429); // earlier tests used a few of the 12 a minute
      expect(statuses).toContain(429);
      const refused = await donorApi.post('/api/ledger/verify').set(auth('donor')).send({}).expect(429);
      expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', detail: expect.stringContaining('too many proofs or verifications') as unknown });
    });
  });
});
