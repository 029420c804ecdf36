// Two API instances of one org on one PostgreSQL database, as an org scales its API out: the
// accounts, the users' Fabric identities and the token key live in the database, so each
// instance knows every account and accepts the other's tokens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import pino from 'pino';
import { loadConfig, RunningApi, startApi } from '@donation-ledger/api';
import { ADMIN_PASSWORD } from './api-harness';
import { connectAs, ensureNgo, siteProfile, uniqueId } from './harness';
import { Postgres, startPostgres } from './postgres';

describe('two API instances of one org on one PostgreSQL database', () => {
  let postgres: Postgres;
  const instances: RunningApi[] = [];
  const dirs: string[] = [];
  let first: ReturnType<typeof request>;
  let second: ReturnType<typeof request>;

  const startInstance = async (databaseUrl: string, indexer: 'on' | 'off'): Promise<RunningApi> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'api-shared-'));
    dirs.push(dataDir);
    const api = await startApi(
      loadConfig({
        LEDGER_PROFILE: siteProfile('donorplatform'), PORT: '0', DATA_DIR: dataDir, DATABASE_URL: databaseUrl, INDEXER: indexer,
        ADMIN_PASSWORD, LOG_LEVEL: 'silent', COMMIT_TIMEOUT_MS: '10000',
      }),
      pino({ level: 'silent' }),
    );
    instances.push(api);
    return api;
  };

  beforeAll(async () => {
    postgres = startPostgres();
    const url = postgres.createDatabase('shared_accounts');
    // Both start at once: the schema migration must serialize between them.
    const [a, b] = await Promise.all([startInstance(url, 'on'), startInstance(url, 'off')]);
    first = request((a).server);
    second = request((b).server);
  });

  afterAll(async () => {
    await Promise.all(instances.map((api) => api.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    postgres?.stop();
  });

  test('an account made on one instance logs in on the other, whose token the first accepts', async () => {
    const username = uniqueId('shared').toLowerCase();
    await first.post('/api/accounts').send({ username, password: 'shared-password', name: 'Ada', email: 'ada@example.org' }).expect(201);
    const login = await second.post('/api/sessions').send({ username, password: 'shared-password' }).expect(201);
    const token = (login.body as { token: string }).token;
    const me = await first.get('/api/accounts/me').set({ Authorization: `Bearer ${token}` }).expect(200);
    expect(me.body).toMatchObject({ username, role: 'donor' });
    await second.post('/api/sessions').send({ username, password: 'wrong-password' }).expect(401);
  });

  test("the other instance acts with the user's own Fabric identity from the shared database", async () => {
    const ngoId = uniqueId('shared-ngo');
    const admin = await connectAs('ngo', 'ngoadmin1');
    try {
      await ensureNgo(admin, ngoId);
    } finally {
      admin.close();
    }
    const username = uniqueId('shared').toLowerCase();
    const signUp = await first.post('/api/accounts').send({ username, password: 'shared-password', name: 'Bo', email: 'bo@example.org' }).expect(201);
    const auth = { Authorization: `Bearer ${(signUp.body as { token: string }).token}` };
    const donated = await first.post('/api/donations').set(auth).send({ id: uniqueId('don'), ngoId, amount: '700', currency: 'EUR' }).expect(201);
    // "mine" is what the chaincode finds under the caller's certificate: the same identity on both.
    const mine = await second.get('/api/donations/mine').set(auth).expect(200);
    expect((mine.body as { records: { id: string }[] }).records.map((d) => d.id)).toEqual([(donated.body as { record: { id: string } }).record.id]);
  });

  test('one username signed up on both instances at once makes one account: the other answer is 409', async () => {
    const username = uniqueId('race').toLowerCase();
    const body = { username, password: 'race-password1', name: 'Cy', email: 'cy@example.org' };
    const answers = await Promise.all([first.post('/api/accounts').send(body), second.post('/api/accounts').send(body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const [count] = await (instances[0] as RunningApi).database.query<{ n: number }>('select count(*)::int as n from api_accounts where username = $1', [username]);
    expect(count?.n).toBe(1);
  });
});
