// Membership governance on a real network: orgs vote to invite an auditor org, which then reads
// the ledger and counts toward endorsement; then they vote out the founding org and the channel
// keeps working. Inviting and removing orgs changes the channel for good, so this suite runs its
// own network (its own folder, ports shifted by another 1000) and stops it afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect, LedgerClient, LedgerEvent, Proposal } from '@donation-ledger/client';
import { clientProfile, DEFAULT_TOPOLOGY, loadEffectiveTopology, ordererNodes, REPO_ROOT, RunPaths, Topology } from '@donation-ledger/network';
import { cli, CLI, give, outcome, PORT_OFFSET, settle, startOwnNetwork, TEST_RUN_DIR, uniqueId, wrapFabricTools, using } from './harness';

// Beside the main test network (test-artifacts/ unless LEDGER_TEST_RUN_DIR moves it), so that two
// suites on one machine do not share it.
const ARTIFACTS = dirname(TEST_RUN_DIR);
const RUN_DIR = join(ARTIFACTS, 'governance-network');
const OFFSET = PORT_OFFSET + 1000;
const ARGS = ['--run-dir', RUN_DIR, '--port-offset', String(OFFSET)];
const AUDITOR_SPEC = join(REPO_ROOT, 'network', 'orgs', 'auditor.json');
const paths = new RunPaths(RUN_DIR);
const topology = (): Topology => loadEffectiveTopology(DEFAULT_TOPOLOGY, paths, OFFSET);
const as = (org: string, user: string): Promise<LedgerClient> => connect(clientProfile(topology(), paths, org, user));

/** Runs a governance/org command on this suite's network. */
const network = (...args: string[]): ReturnType<typeof cli> => cli([...args, ...ARGS]);
const proposalOf = (result: ReturnType<typeof cli>): Proposal => JSON.parse(result.stdout) as Proposal;

/**
 * Runs a CLI command and watches, meanwhile, for the processes that make an org admin's
 * governance calls (site-admin-call.js): the Unix users they ran as. As a normal user none is
 * started (the command connects itself, every site being this user's).
 */
async function siteAdminProcessesDuring(args: readonly string[]): Promise<{ result: ReturnType<typeof cli>; users: string[] }> {
  const users = new Set<string>();
  const look = (): void => {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('site-admin-call.js')) continue;
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        // Started by this command, not by another network's on the same machine.
        if (/^PPid:\s+(\d+)/m.exec(status)?.[1] !== String(child.pid)) continue;
        const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '';
        users.add(spawnSync('getent', ['passwd', uid], { encoding: 'utf8' }).stdout.split(':')[0] || `uid ${uid}`);
      } catch {
        // gone meanwhile
      }
    }
  };
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const watching = setInterval(look, 20);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(watching);
  return { result: { status, stdout, stderr }, users: [...users] };
}

const heightSeenBy = (org: string, user: string): Promise<number> => using(as(org, user), async (c) => (await c.getDigest()).height);

beforeAll(() => startOwnNetwork(ARGS, 'governance'), 240_000);

afterAll(() => {
  cli(['down', ...ARGS], { inherit: true });
});

describe('membership governance', () => {
  test('bad input is refused with a clear error and changes nothing', async () => {
    const before = await heightSeenBy('ngo', 'orgadmin');
    const spec = JSON.parse(readFileSync(AUDITOR_SPEC, 'utf8')) as Record<string, unknown>;
    const write = (name: string, value: unknown): string => {
      const file = join(ARTIFACTS, `governance-${name}.json`);
      writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
      return file;
    };

    const duplicate = network('org', 'add', write('duplicate', { ...spec, mspId: 'NgoMSP' }));
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toContain('MSP ID "NgoMSP" is already used by ngo (NgoMSP), a member of the channel');

    const member = network('org', 'add', write('member', { ...spec, name: 'donorplatform', mspId: 'DonorPlatformMSP' }));
    expect(member.stderr).toContain('is already used by donorplatform (DonorPlatformMSP), a member of the channel');

    const malformedMsp = network('org', 'prepare', write('malformed-msp', { ...spec, mspId: 'Auditor MSP!' }));
    expect(malformedMsp.status).toBe(1);
    expect(malformedMsp.stderr).toContain('mspId: must be an MSP ID, got "Auditor MSP!"');

    const unknown = network('org', 'remove', 'NoSuchMSP');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('"NoSuchMSP" is not a member of channel donations');

    const badCert = network('governance', 'propose-invite', write('bad-cert', {
      name: 'auditor', mspId: 'AuditorMSP', caRootCert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', tlsRootCert: 'x',
    }), '--org', 'ngo', '--id', uniqueId('p'));
    expect(badCert.status).toBe(2);
    expect(badCert.stderr).toContain('caRootCert is not a readable X.509 certificate');

    const noSuchProposal = network('governance', 'execute', 'no-such-proposal');
    expect(noSuchProposal.status).toBe(2);
    expect(noSuchProposal.stderr).toContain('there is no proposal "no-such-proposal" on the ledger');

    // The ledger's own check of the certificates, for a caller that skips the CLI's.
    const forged = await using(as('ngo', 'orgadmin'), (c) =>
      outcome(c.proposeInvite({ id: uniqueId('p'), description: 'forged', org: { name: 'auditor', mspId: 'AuditorMSP', caRootCert: 'not a cert', tlsRootCert: 'not a cert' } })),
    );
    expect(forged).toBe('INVALID_ARGUMENT');

    expect(await heightSeenBy('ngo', 'orgadmin')).toBe(before);
    expect(topology().orgs.map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP']);
  });

  test('the members vote an auditor org in: one vote each, admins only, not before the threshold; its peer catches up, it reads and endorses', async () => {
    // Wrapped, the Fabric tools show who ran them: where sites have users, the auditor's site made its CA's and identities' keys.
    const tools = wrapFabricTools(paths);
    let prepared: ReturnType<typeof cli>;
    let caCalls: string[];
    try {
      prepared = network('org', 'prepare', AUDITOR_SPEC);
      caCalls = tools.calls().filter((call) => / fabric-ca-(client|server) /.test(call));
    } finally {
      tools.restore();
    }
    expect({ status: prepared.status, stderr: prepared.status === 0 ? '' : prepared.stderr }).toEqual({ status: 0, stderr: '' });
    if (process.getuid?.() === 0) {
      expect(caCalls).toEqual(expect.arrayContaining([
        'ledger-auditor fabric-ca-server init --home', 'ledger-auditor fabric-ca-server start --home',
        'ledger-auditor fabric-ca-client enroll -H', 'ledger-auditor fabric-ca-client register -H', 'ledger-auditor fabric-ca-client enroll -M',
      ]));
      expect(caCalls.filter((call) => !call.startsWith('ledger-auditor '))).toEqual([]);
    }
    const proposalFile = join(ARTIFACTS, 'governance-auditor-proposal.json');
    writeFileSync(proposalFile, prepared.stdout);
    const id = uniqueId('invite-auditor');
    const proposed = network('governance', 'propose-invite', proposalFile, '--org', 'donorplatform', '--id', id);
    expect(proposed.status).toBe(0);
    expect(proposalOf(proposed)).toMatchObject({ action: 'INVITE', targetMspId: 'AuditorMSP', status: 'IN_PROGRESS', membersAtCreation: ['DonorPlatformMSP', 'NgoMSP'] });

    // A user of a member org is not its admin.
    expect(await using(as('donorplatform', 'donor1'), (c) => outcome(c.vote(id, 'YES')))).toBe('FORBIDDEN');

    expect(proposalOf(network('governance', 'vote', id, 'YES', '--org', 'donorplatform')).status).toBe('IN_PROGRESS');
    const again = network('governance', 'vote', id, 'YES', '--org', 'donorplatform');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('ALREADY_EXISTS: MSP DonorPlatformMSP has already voted');

    // 1 YES of 2 is not more than 50%.
    const early = network('governance', 'execute', id, '--org-spec', AUDITOR_SPEC);
    expect(early.status).toBe(2);
    expect(early.stderr).toContain(`proposal ${id} is IN_PROGRESS (1 YES, 0 NO of 2 members`);
    expect(topology().orgs).toHaveLength(2);

    // The NGO's vote is cast on its site: by a process of its Unix user, the only one that may read its admin key.
    const ngoVote = await siteAdminProcessesDuring(['governance', 'vote', id, 'YES', '--org', 'ngo', ...ARGS]);
    expect(proposalOf(ngoVote.result).status).toBe('APPROVED');
    expect(ngoVote.users).toEqual(process.getuid?.() === 0 ? ['ledger-ngo'] : []);
    const noSpec = network('governance', 'execute', id);
    expect(noSpec.status).toBe(2);
    expect(noSpec.stderr).toContain('give the org\'s spec file with --org-spec');

    // As separate sites do it: the update is written once, the NGO org signs it on its site and
    // sends back a signature file, and the donor platform's admin executes with that file.
    const update = join(ARTIFACTS, 'governance-invite.pb');
    const ngoSignature = join(ARTIFACTS, 'governance-invite.ngo.sig.json');
    expect(network('governance', 'prepare-update', id, '--org-spec', AUDITOR_SPEC, '--out', update).status).toBe(0);
    expect(network('config-update', 'sign', update, '--org', 'ngo', '--out', ngoSignature).status).toBe(0);
    const started = Date.now();
    const executed = network('governance', 'execute', id, '--org-spec', AUDITOR_SPEC, '--org', 'donorplatform', '--update', update, '--signature', ngoSignature);
    const seconds = (Date.now() - started) / 1000;
    if (executed.status !== 0) throw new Error(executed.stderr);
    expect(executed.stderr).toContain('with the signatures of NgoMSP, DonorPlatformMSP');
    // It brought an ordering node: now a Raft consenter, run on its own site, caught up.
    expect(executed.stderr).toContain('(add AuditorMSP with ordering node orderer0.auditor)');
    expect(executed.stderr).toMatch(/orderer0\.auditor caught up \(height \d+\) and orders for donations/);
    process.stderr.write(`[governance] the auditor org was added in ${seconds.toFixed(1)}s\n${executed.stderr.split('\n').filter((l) => /caught up|joined channel/.test(l)).join('\n')}\n`);
    expect(proposalOf(executed)).toMatchObject({ status: 'EXECUTED', outcome: { by: 'DonorPlatformMSP' } });
    expect(topology().orgs.map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP', 'AuditorMSP']);

    // The auditor's peer has every block, and its user can read the ledger and verify the chain.
    const auditor = await as('auditor', 'auditor1');
    try {
      expect((await auditor.getDigest()).height).toBeGreaterThanOrEqual(await heightSeenBy('ngo', 'orgadmin'));
      expect((await auditor.verify()).ok).toBe(true);
      expect((await auditor.readGovernance()).members.map((m) => m.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP', 'AuditorMSP']);

      // It receives new blocks: an NGO registered now reaches it as a chaincode event...
      const from = BigInt((await auditor.getDigest()).height);
      const events = await auditor.events({ startBlock: from });
      const ngoId = uniqueId('ngo');
      // ...endorsed by the NGO org and the auditor alone: under MAJORITY, 2 of 3 orgs suffice.
      const ngoAdmin = await as('ngo', 'ngoadmin1');
      try {
        expect(await outcome(ngoAdmin.registerNgo({ id: uniqueId('ngo'), name: 'Alone' }, { endorsingOrganizations: ['NgoMSP'] }))).toBe('ENDORSEMENT_POLICY_FAILURE');
        await ngoAdmin.registerNgo({ id: ngoId, name: 'Audited Aid' }, { endorsingOrganizations: ['NgoMSP', 'AuditorMSP'] });
      } finally {
        ngoAdmin.close();
      }
      let seen: LedgerEvent | undefined;
      for await (const event of events) {
        if (Buffer.from(event.payload).toString('utf8').includes(ngoId)) {
          seen = event;
          break;
        }
      }
      events.close();
      expect(seen).toBeDefined();
    } finally {
      auditor.close();
    }
  });

  test('the auditor org reads everything and may write none of the donation ledger\'s transactions (access matrix, auditor row)', async () => {
    const ngoId = uniqueId('ngo');
    await using(as('ngo', 'ngoadmin1'), (c) => c.registerNgo({ id: ngoId, name: 'Audited' }));
    // A pledge and a settled donation for the writes on donations to act on.
    const [pledgeId, settledId] = await using(as('donorplatform', 'donor1'), (donor) => using(as('donorplatform', 'payments1'), async (payments) => [
      (await donor.donate({ id: uniqueId('don'), ngoId, amount: 5, currency: 'EUR' })).result.id,
      (await give(donor, payments, { id: uniqueId('don'), ngoId, amount: 5, currency: 'EUR' })).id,
    ]));
    const writes: Record<string, (c: LedgerClient) => Promise<unknown>> = {
      RegisterNgo: (c) => c.registerNgo({ id: uniqueId('ngo'), name: 'By the auditor' }),
      SetNgoStatus: (c) => c.setNgoStatus(ngoId, 'suspended'),
      CreateCampaign: (c) => c.createCampaign({ id: uniqueId('camp'), ngoId, name: 'A', goal: 1, currency: 'EUR', opensAt: new Date(Date.now() - 60_000).toISOString(), closesAt: new Date(Date.now() + 3_600_000).toISOString() }),
      Donate: (c) => c.donate({ id: uniqueId('don'), ngoId, amount: 1, currency: 'EUR' }),
      SettleDonations: (c) => settle(c, [pledgeId]),
      CancelPledge: (c) => c.cancelPledge(pledgeId),
      RefundDonation: (c) => c.refundDonation({ donationId: settledId, paymentRef: 'by-the-auditor' }),
      RecordSpend: (c) => c.recordSpend({ id: uniqueId('sp'), ngoId, amount: 1, currency: 'EUR', description: 'A', category: 'audit' }),
      RateNgo: (c) => c.rateNgo(ngoId, 1),
      SetMyDetails: (c) => c.setMyDetails({ name: 'A', email: 'a@example.org' }),
    };
    for (const user of ['auditor1', 'orgadmin']) {
      await using(as('auditor', user), async (c) => {
        for (const [tx, write] of Object.entries(writes)) expect([tx, user, await outcome(write(c))]).toEqual([tx, user, 'FORBIDDEN']);
        expect((await c.readNgo(ngoId)).status).toBe('active');
        expect((await c.listNgos({ pageSize: 100 })).records.map((n) => n.id)).toContain(ngoId);
        expect((await c.getHistory('ngo', ngoId)).length).toBe(1);
        expect((await c.readDonation(pledgeId)).status).toBe('pledged');
        expect((await c.readDonation(settledId)).remaining).toBe('5');
      });
    }
  });

  test('a proposal stamped 25 hours ago is refused by the peers: nobody can backdate a proposal into expiry', async () => {
    // The client stamps a proposal's time; Fabric 3 peers refuse one outside their clock's
    // window (peer.authentication.timewindow, 15 minutes), so the 24h voting window cannot be
    // cut short or stretched by a proposer's clock. Expiry itself is a chaincode rule, tested in
    // packages/chaincode/src/governance.test.ts: it cannot be reached here without waiting a day.
    const id = uniqueId('backdated');
    await using(as('ngo', 'orgadmin'), async (c) => {
      jest.useFakeTimers({ now: Date.now() - 25 * 3_600_000, doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
      let refusal: unknown;
      try {
        refusal = await c.proposeRemoval({ id, description: 'stale', mspId: 'AuditorMSP' }).catch((err: unknown) => err);
      } finally {
        jest.useRealTimers();
      }
      expect(refusal).toMatchObject({ code: 'ENDORSEMENT_FAILED', message: expect.stringContaining('incorrect timestamp') as unknown });
      expect(await outcome(c.readProposal(id))).toBe('NOT_FOUND');
    });
  });

  test('the members vote the founding org out: its peer stops endorsing, the channel works for the others, also after a restart', async () => {
    const id = uniqueId('remove-founder');
    expect(network('governance', 'propose-remove', 'DonorPlatformMSP', '--org', 'ngo', '--id', id).status).toBe(0);
    expect(proposalOf(network('governance', 'vote', id, 'YES', '--org', 'ngo')).status).toBe('IN_PROGRESS');
    // 1 YES of 3: below the threshold.
    expect(network('governance', 'execute', id).status).toBe(2);
    expect(proposalOf(network('governance', 'vote', id, 'YES', '--org', 'auditor')).status).toBe('APPROVED');

    // As separate sites do it, one config update per step: its two Raft consenters go one per
    // update (Raft's rule), each signed by the NGO org and the auditor (a MAJORITY of the members
    // and of the orgs that run ordering nodes). Each update is written, signed on the auditor's
    // site and submitted with that signature file by the NGO org's admin. The first execution
    // stops after its step and says what is left; the retry of the ACTION_FAILED proposal
    // finishes the removal.
    const step = (n: number): ReturnType<typeof cli> => {
      const update = join(ARTIFACTS, `governance-remove-${n}.pb`);
      const signature = join(ARTIFACTS, `governance-remove-${n}.auditor.sig.json`);
      expect(network('governance', 'prepare-update', id, '--org', 'ngo', '--out', update).status).toBe(0);
      expect(network('config-update', 'sign', update, '--org', 'auditor', '--out', signature).status).toBe(0);
      return network('governance', 'execute', id, '--org', 'ngo', '--update', update, '--signature', signature);
    };
    const first = step(1);
    expect(first.status).toBe(1);
    expect(first.stderr).toContain('committed the update "remove ordering node orderer0.donorplatform of DonorPlatformMSP (1 of its 2 consenters; Raft changes one per update)"');
    expect(first.stderr).toContain('needs another config update');
    expect(proposalOf(network('governance', 'show', id, '--org', 'ngo')).status).toBe('ACTION_FAILED');
    expect(topology().orgs.map((o) => o.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP', 'AuditorMSP']);

    const executed = step(2);
    if (executed.status !== 0) throw new Error(executed.stderr);
    expect(proposalOf(executed)).toMatchObject({ status: 'EXECUTED', outcome: { by: 'NgoMSP' } });
    expect(executed.stderr).toContain('with the signatures of AuditorMSP, NgoMSP');
    expect(executed.stderr).toContain('remove DonorPlatformMSP and its ordering node orderer1.donorplatform (signed by AuditorMSP, NgoMSP)');
    expect(topology().orgs.map((o) => o.mspId)).toEqual(['NgoMSP', 'AuditorMSP']);
    expect(network('status').stdout).not.toContain('donorplatform');
    for (const id of ['peer0.donorplatform', 'orderer0.donorplatform', 'orderer1.donorplatform']) expect([id, existsSync(paths.pid(id))]).toEqual([id, false]);
    expect(ordererNodes(topology()).map((n) => n.id)).toEqual(['orderer0.ngo', 'orderer0.auditor']);

    // The removed org's identities are no longer accepted by the channel.
    const founderProfile = { ...clientProfile(topology(), paths, 'ngo', 'orgadmin'), mspId: 'DonorPlatformMSP', identity: {
      certificatePath: join(paths.msp('donorplatform', 'orgadmin'), 'signcerts', 'cert.pem'),
      privateKeyPath: join(paths.msp('donorplatform', 'orgadmin'), 'keystore', 'key.pem'),
    } };
    expect(await outcome(connect(founderProfile).then(async (c) => { try { await c.readGovernance(); } finally { c.close(); } }))).toBe('FORBIDDEN');

    const writeByRemaining = async (): Promise<void> => {
      await using(as('ngo', 'ngoadmin1'), async (c) => {
        const ngoId = uniqueId('ngo');
        await c.registerNgo({ id: ngoId, name: 'After the founders' });
        expect((await c.readNgo(ngoId)).name).toBe('After the founders');
      });
      expect((await using(as('auditor', 'orgadmin'), (c) => c.readGovernance())).members.map((m) => m.mspId)).toEqual(['NgoMSP', 'AuditorMSP']);
    };
    await writeByRemaining();

    // down + up brings back exactly the current members.
    expect(network('down').status).toBe(0);
    const restarted = cli(['up', ...ARGS]);
    if (restarted.status !== 0) throw new Error(restarted.stderr);
    expect(restarted.stderr).not.toContain('peer0.donorplatform');
    await writeByRemaining();
  }, 240_000);
});
