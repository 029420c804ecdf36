// Faults under load: nodes are killed (SIGKILL) while donations flow through the REST API, and
// the ledger is checked against the client's own log of what was acknowledged.
import { readFileSync, statSync } from 'node:fs';
import request from 'supertest';
import { LedgerClient } from '@donation-ledger/client';
import { endpoint, NodeStatus, ordererNodes } from '@donation-ledger/network';
import { ADMIN_PASSWORD, Apis, startApis } from './api-harness';
import { cli, connectAs, NETWORK_ARGS, openLoop, outcome, paths, recoveryAfter, TimedSubmit, topology, uniqueId, until } from './harness';

const statusOf = (): NodeStatus[] => JSON.parse(cli(['status', '--json', ...NETWORK_ARGS]).stdout) as NodeStatus[];
const pidOf = (id: string): number => Number(readFileSync(paths().pid(id), 'utf8').split('\n')[0]);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function isLeader(operationsPort: number): Promise<boolean> {
  const res = await fetch(`http://${endpoint(topology(), operationsPort)}/metrics`).catch(() => undefined);
  return (await res?.text())?.includes('consensus_etcdraft_is_leader{channel="donations"} 1') ?? false;
}

describe('faults under load', () => {
  let apis: Apis;
  let donorApi: ReturnType<typeof request>;
  let token = '';
  let reader: LedgerClient;
  const ngoId = uniqueId('ngo');
  /** Every donation the API acknowledged (201), by id, with its amount. */
  const acknowledged = new Map<string, number>();
  const failures: number[] = [];
  /** Every request's timing, to report how the load lived through each fault. */
  const timeline: TimedSubmit[] = [];

  beforeAll(async () => {
    apis = await startApis();
    const ngoApi = request(apis.ngo.server);
    const admin = (await ngoApi.post('/api/sessions').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(201)).body as { token: string };
    await ngoApi.post('/api/ngos').set('Authorization', `Bearer ${admin.token}`).send({ id: ngoId, name: 'Fault Relief' }).expect(201);
    donorApi = request(apis.donor.server);
    token = ((await donorApi.post('/api/accounts').send({ username: uniqueId('fault').toLowerCase(), password: 'fault-password', name: 'F', email: 'f@example.org' }).expect(201)).body as { token: string }).token;
    reader = await connectAs('donorplatform', 'donor1');
  });

  afterAll(async () => {
    const byStatus = failures.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
    process.stderr.write(`[faults] ${acknowledged.size} donations acknowledged, all found on the ledger; refused by status: ${JSON.stringify(byStatus)}\n`);
    reader?.close();
    await apis?.stop();
    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0); // whatever a test left stopped
  });

  /**
   * Open-loop load: a new donation every `everyMs`, whatever happened to the earlier ones (a
   * transaction lost in a dead leader's queue waits out its commit timeout; new ones must not
   * wait behind it). `stop()` ends the load and waits until every request has an answer.
   */
  function load(everyMs: number): { stop: () => Promise<void> } {
    return openLoop(everyMs, () => {
      const id = uniqueId('don');
      const amount = 1 + Math.floor(Math.random() * 100);
      const startedAt = Date.now();
      return donorApi.post('/api/donations').set('Authorization', `Bearer ${token}`).send({ id, ngoId, amount, currency: 'EUR' }).then(
        (res) => {
          timeline.push({ startedAt, doneAt: Date.now(), ok: res.status === 201 });
          if (res.status === 201) acknowledged.set(id, amount);
          else failures.push(res.status);
        },
        () => {
          timeline.push({ startedAt, doneAt: Date.now(), ok: false });
          failures.push(0);
        },
      );
    });
  }

  async function expectEveryAcknowledgedDonationOnTheLedger(): Promise<void> {
    // Independent reads: in parallel.
    const found = await Promise.all([...acknowledged].map(async ([id, amount]) => [id, (await reader.readDonation(id)).amount, String(amount)]));
    for (const [id, amount, acknowledgedAmount] of found) expect([id, amount]).toEqual([id, acknowledgedAmount]);
  }

  test('a chaincode server that crashes fails calls cleanly, and the supervisor restarts it', async () => {
    const before = statusOf().find((n) => n.id === 'ccaas.ngo')?.restarts ?? 0;
    process.kill(pidOf('ccaas.ngo'), 'SIGKILL');
    const during = await donorApi.post('/api/donations').set('Authorization', `Bearer ${token}`).send({ id: uniqueId('don'), ngoId, amount: 1, currency: 'EUR' });
    if (during.status !== 201) expect([502, 503, 504]).toContain(during.status);

    await until('the supervisor to restart ccaas.ngo', () => statusOf().some((n) => n.id === 'ccaas.ngo' && n.healthy && n.restarts > before));
    await until('a donation to succeed again', async () =>
      (await donorApi.post('/api/donations').set('Authorization', `Bearer ${token}`).send({ id: uniqueId('don'), ngoId, amount: 1, currency: 'EUR' })).status === 201);
  });

  test('killing the Raft leader under load loses no acknowledged donation, and the load goes on', async () => {
    const t = topology();
    const running = load(50);
    await sleep(2000);
    let leaderName = '';
    for (const node of ordererNodes(t)) if (await isLeader(node.operationsPort)) leaderName = node.id;
    if (!leaderName) throw new Error('no Raft leader found');
    const killedAt = Date.now();
    process.kill(pidOf(leaderName), 'SIGKILL');
    await sleep(12_000); // a new leader is elected within about 10 s
    const ackedBefore = acknowledged.size;
    await sleep(4_000);
    expect(acknowledged.size).toBeGreaterThan(ackedBefore); // the load goes on
    await running.stop();
    process.stderr.write(`[faults] killed Raft leader ${leaderName} under load (REST, commit timeout 10 s): ${recoveryAfter(killedAt, timeline).summary}\n`);

    expect(failures.filter((s) => s === 500)).toEqual([]); // failures, if any, were typed
    await expectEveryAcknowledgedDonationOnTheLedger();
    await until(`the supervisor to restart ${leaderName}`, () => statusOf().some((n) => n.id === leaderName && n.healthy && n.restarts > 0));
  });

  test('with 2 of 3 orderers down, a donation fails with 503 and writes nothing; after restart the same request succeeds', async () => {
    const t = topology();
    const [first, second, third] = ordererNodes(t);
    if (!first || !second || !third) throw new Error('needs 3 orderers');
    const logFrom = statSync(paths().log(first.id)).size;
    expect(cli(['stop', second.id, ...NETWORK_ARGS]).status).toBe(0);
    expect(cli(['stop', third.id, ...NETWORK_ARGS]).status).toBe(0);
    // Until its election timeout (5-10 s) it still forwards to the leader it knew; once it knows no
    // leader (not itself: no quorum; etcdraft logs each change, the last one to leader 0), it refuses at once.
    await until(`${first.id} to know no Raft leader`, async () => {
      const changes = [...readFileSync(paths().log(first.id)).subarray(logFrom).toString('utf8').matchAll(/Raft leader changed: \d+ -> (\d+) channel=donations/g)];
      return changes.at(-1)?.[1] === '0' && !(await isLeader(first.operationsPort));
    }, 30_000);

    const id = uniqueId('don');
    const refused = await donorApi.post('/api/donations').set('Authorization', `Bearer ${token}`).send({ id, ngoId, amount: 42, currency: 'EUR' });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'UNAVAILABLE' });
    await donorApi.get(`/api/donations/${id}`).set('Authorization', `Bearer ${token}`).expect(404);

    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
    await donorApi.post('/api/donations').set('Authorization', `Bearer ${token}`).send({ id, ngoId, amount: 42, currency: 'EUR' }).expect(201);
    acknowledged.set(id, 42);
    await expectEveryAcknowledgedDonationOnTheLedger();
  });

  test("with the donor platform's peer stopped, private data goes to no other org's peer: a sign-up fails typed, leaves no account, and succeeds once the peer is back", async () => {
    const t = topology();
    const endpointOf = (org: string): string => endpoint(t, t.orgs.find((o) => o.name === org)!.peers[0]!.port);
    const donor = await connectAs('donorplatform', 'donor1');
    const username = uniqueId('private').toLowerCase();
    const signUp = { username, password: 'private-password', name: 'Private Person', email: 'private@example.org' };
    try {
      expect(donor.gatewayEndpoint).toBe(endpointOf('donorplatform'));
      expect(cli(['stop', 'peer0.donorplatform', ...NETWORK_ARGS]).status).toBe(0);

      // The SDK: details (transient data) and a read of them stay home; the client never moves to the NGO org's peer for them.
      const refused = await donor.setMyDetails({ name: 'Private Person', email: 'private@example.org' }).catch((err: unknown) => err);
      expect(refused).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining("not sent to other orgs' peers") as unknown });
      expect(donor.gatewayEndpoint).toBe(endpointOf('donorplatform'));
      expect(await outcome(donor.readMyDetails())).toBe('UNAVAILABLE');
      expect(donor.gatewayEndpoint).toBe(endpointOf('donorplatform'));
      // An ordinary read does fail over to the other org's peer.
      expect((await donor.readNgo(ngoId)).id).toBe(ngoId);
      expect(donor.gatewayEndpoint).toBe(endpointOf('ngo'));
      // ...and a private call from there does not stay there: with no own peer to go back to, it fails.
      expect(await outcome(donor.readMyDetails())).toBe('UNAVAILABLE');

      // The REST API: the sign-up is refused whole; no account is left behind.
      expect((await donorApi.post('/api/accounts').send(signUp)).status).toBe(503);
      expect((await donorApi.post('/api/sessions').send({ username, password: signUp.password })).status).toBe(401);
    } finally {
      expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
    }
    // The same sign-up succeeds once the peer is back, and the SDK client has moved back home.
    expect((await donorApi.post('/api/accounts').send(signUp)).status).toBe(201);
    expect((await donorApi.post('/api/sessions').send({ username, password: signUp.password })).status).toBe(201);
    await donor.setMyDetails({ name: 'Private Person', email: 'private@example.org' });
    expect(donor.gatewayEndpoint).toBe(endpointOf('donorplatform'));
    donor.close();
  }, 180_000);

  test('when the gateway peer the API uses is killed, reads go on through the other peer', async () => {
    process.kill(pidOf('peer0.donorplatform'), 'SIGKILL');
    await donorApi.get(`/api/ngos/${ngoId}`).set('Authorization', `Bearer ${token}`).expect(200);
    await until('the supervisor to restart peer0.donorplatform', () => statusOf().some((n) => n.id === 'peer0.donorplatform' && n.healthy));
    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0); // waits for gossip, so writes can be endorsed again
    await until('a donation to succeed again', async () =>
      (await donorApi.post('/api/donations').set('Authorization', `Bearer ${token}`).send({ id: uniqueId('don'), ngoId, amount: 1, currency: 'EUR' })).status === 201);
  });
});
