// Several channels from one topology (network/topology-channels.json): `donations` for the three
// founders and `evidence` for the NGO and the auditor only. A subset channel is founded from its
// members' definitions, ordered by their ordering nodes only and joined by their peers only; the
// SDK, the read model and the API address it by its own connection profile. This suite runs its
// own network (its own folder and ports) and stops it afterwards.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig, RunningApi, startApi } from '@donation-ledger/api';
import { connect, LedgerClient, Proposal } from '@donation-ledger/client';
import { channelGauges, channelView, clientProfile, endpoint, loadEffectiveTopology, ordererNodes, REPO_ROOT, RunPaths, Topology } from '@donation-ledger/network';
import pino from 'pino';
import request from 'supertest';
import { seedEmptyDatabase } from '../../packages/indexer/src/test-support/scratch-store';
import { cli, outcome, PORT_OFFSET, startOwnNetwork, TEST_RUN_DIR, uniqueId, until, using } from './harness';

const TOPOLOGY = join(REPO_ROOT, 'network', 'topology-channels.json');
const RUN_DIR = join(dirname(TEST_RUN_DIR), 'channels-network');
const OFFSET = Number(process.env.LEDGER_CHANNELS_PORT_OFFSET ?? PORT_OFFSET + 5000);
const ARGS = ['--topology', TOPOLOGY, '--run-dir', RUN_DIR, '--port-offset', String(OFFSET)];
const EVIDENCE = 'evidence';
const paths = new RunPaths(RUN_DIR);
const topology = (): Topology => loadEffectiveTopology(TOPOLOGY, paths, OFFSET);
const onChannel = (channel: string, org: string, user: string): Promise<LedgerClient> => connect(clientProfile(channelView(topology(), channel), paths, org, user));

/** The block height a node's operations endpoint reports for `channel`; undefined where the node does not have the channel. */
async function heightOn(operations: string, channel: string): Promise<number | undefined> {
  return (await channelGauges(operations, channel, ['ledger_blockchain_height'])).ledger_blockchain_height;
}

beforeAll(() => startOwnNetwork(ARGS, 'channels'), 240_000);

afterAll(() => {
  cli(['down', ...ARGS], { inherit: true });
});

describe('several channels', () => {
  test('a subset channel is ordered by its members\' nodes and held by their peers only; each member gets a profile of it', async () => {
    const t = topology();
    for (const node of ordererNodes(t)) {
      const has = (await heightOn(endpoint(t, node.operationsPort), EVIDENCE)) !== undefined;
      expect({ node: node.id, hasEvidence: has }).toEqual({ node: node.id, hasEvidence: node.org.name !== 'donorplatform' });
      expect(await heightOn(endpoint(t, node.operationsPort), t.channel)).toBeGreaterThan(0);
    }
    for (const org of t.orgs) {
      const peer = org.peers[0]!;
      expect({ org: org.name, hasEvidence: (await heightOn(endpoint(t, peer.operationsPort), EVIDENCE)) !== undefined })
        .toEqual({ org: org.name, hasEvidence: org.name !== 'donorplatform' });
      expect(existsSync(paths.profile(org.name, EVIDENCE))).toBe(org.name !== 'donorplatform');
    }
    // Founded like the main channel: from the members' exported definitions, in the public folder.
    expect(readdirSync(paths.publicDir).sort()).toEqual(['auditor.definition.json', 'donations.genesis.block', 'donorplatform.definition.json', 'evidence.genesis.block', 'ngo.definition.json']);
    // By hand, a subset channel's genesis block takes its members' definitions only.
    const definition = (org: string): string[] => ['--definition', join(paths.publicDir, `${org}.definition.json`)];
    const block = join(RUN_DIR, 'evidence-by-hand.block');
    const outsider = cli(['channel', 'genesis', '--channel', EVIDENCE, ...definition('ngo'), ...definition('donorplatform'), '--out', block, ...ARGS]);
    expect(outsider.status).toBe(2);
    expect(outsider.stderr).toContain('org "donorplatform" is not a founder of channel evidence in the topology (its founders: ngo, auditor)');
    expect(existsSync(block)).toBe(false);
    const members = cli(['channel', 'genesis', '--channel', EVIDENCE, ...definition('ngo'), ...definition('auditor'), '--out', block, ...ARGS]);
    expect(members.stderr).toContain('the genesis block of evidence for NgoMSP, AuditorMSP');
    expect(existsSync(block)).toBe(true);
    // The chaincode is defined on each channel; deploying unchanged code again changes neither.
    const again = cli(['deploy', ...ARGS]);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`is already committed on ${t.channel}`);
    expect(again.stderr).toContain(`is already committed on ${EVIDENCE}`);
  });

  test('data written on one channel is not on the other, and each member reads it through its own peer', async () => {
    const onEvidence = uniqueId('ngo-evidence');
    const onDonations = uniqueId('ngo-donations');
    await using(onChannel(EVIDENCE, 'ngo', 'ngoadmin1'), async (admin) => {
      const written = await admin.registerNgo({ id: onEvidence, name: 'Evidence only' });
      // MAJORITY of the channel's two members: both endorsed it.
      expect(written.result.registeredBy).toBe('NgoMSP');
    });
    await using(onChannel(topology().channel, 'ngo', 'ngoadmin1'), (admin) => admin.registerNgo({ id: onDonations, name: 'Donations only' }));

    await using(onChannel(EVIDENCE, 'auditor', 'auditor1'), async (auditor) => {
      await until('the auditor peer to commit the evidence NGO', async () => (await outcome(auditor.readNgo(onEvidence))) === 'OK');
      expect((await auditor.readNgo(onEvidence)).name).toBe('Evidence only');
      expect(await outcome(auditor.readNgo(onDonations))).toBe('NOT_FOUND');
    });
    await using(onChannel(topology().channel, 'ngo', 'ngoadmin1'), async (admin) => {
      expect(await outcome(admin.readNgo(onEvidence))).toBe('NOT_FOUND');
      expect((await admin.readNgo(onDonations)).name).toBe('Donations only');
    });
  });

  test('a member of only the main channel cannot read the subset channel, from any peer', async () => {
    const t = topology();
    const donor = clientProfile(t, paths, 'donorplatform', 'donor1');
    const evidencePeers = channelView(t, EVIDENCE).orgs.flatMap((o) => o.peers.map((p) => endpoint(t, p.port)));
    const attempt = async (gateways: typeof donor.gateways): Promise<unknown> => {
      const outsider = await connect({ ...donor, gateways, channel: EVIDENCE });
      try {
        return await outsider.listNgos({ pageSize: 5 });
      } finally {
        outsider.close();
      }
    };
    // Its own peer has no such channel; the members' peers refuse a caller outside the channel's Readers.
    const own = donor.gateways.filter((g) => g.mspId === 'DonorPlatformMSP');
    const members = donor.gateways.filter((g) => evidencePeers.includes(g.endpoint));
    expect(members).toHaveLength(2);
    await expect(attempt(own)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('could not get last config for channel evidence') });
    await expect(attempt(members)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('access denied: channel [evidence] creator org unknown') });
  });

  test("the subset channel's members vote a member of the consortium in and out of it, on that channel's ledger", async () => {
    const network = (...args: string[]): ReturnType<typeof cli> => cli([...args, ...ARGS]);
    const proposalOf = (result: ReturnType<typeof cli>): Proposal => {
      if (result.status !== 0) throw new Error(`the command failed (${String(result.status)}):\n${result.stderr}`);
      return JSON.parse(result.stdout) as Proposal;
    };
    const onEvidence = ['--channel', EVIDENCE];
    const definition = join(RUN_DIR, 'donorplatform-for-evidence.json');
    expect(network('org', 'export', '--org', 'donorplatform', '--out', definition).status).toBe(0);
    const ngoId = uniqueId('ngo-before-join');
    await using(onChannel(EVIDENCE, 'ngo', 'ngoadmin1'), (admin) => admin.registerNgo({ id: ngoId, name: 'Before the join' }));

    // An org outside the channel can neither propose nor vote there.
    const invite = uniqueId('invite-donorplatform');
    const outsider = network('governance', 'propose-invite', definition, '--org', 'donorplatform', '--id', invite, ...onEvidence);
    expect(outsider.status).toBe(1);
    expect(outsider.stderr).toContain('unknown org "donorplatform"; the topology has: ngo, auditor');
    const unknownChannel = network('governance', 'show', invite, '--channel', 'audits');
    expect(unknownChannel.status).toBe(2);
    expect(unknownChannel.stderr).toContain('unknown channel "audits"; the topology has: donations, evidence');

    // The low-level commands refuse what they cannot do, and change nothing.
    const notConsortium = network('org', 'join', 'nosuchorg', ...onEvidence);
    expect(notConsortium.status).toBe(1);
    expect(notConsortium.stderr).toContain('"nosuchorg" is not a member of the consortium (channel donations: DonorPlatformMSP, NgoMSP, AuditorMSP)');
    const mainChannel = network('org', 'join', 'donorplatform', '--channel', 'donations');
    expect(mainChannel.status).toBe(1);
    expect(mainChannel.stderr).toContain('donations is the main channel: orgs join it by invitation');
    const orderingMember = network('org', 'leave', 'auditor', ...onEvidence);
    expect(orderingMember.status).toBe(1);
    expect(orderingMember.stderr).toContain("AuditorMSP orders channel evidence (orderer0.auditor); these scripts do not change a subset channel's ordering nodes");
    expect(channelView(topology(), EVIDENCE).orgs.map((o) => o.name)).toEqual(['ngo', 'auditor']);

    const proposed = proposalOf(network('governance', 'propose-invite', definition, '--org', 'ngo', '--id', invite, ...onEvidence));
    expect(proposed).toMatchObject({ action: 'INVITE', targetMspId: 'DonorPlatformMSP', status: 'IN_PROGRESS', membersAtCreation: ['NgoMSP', 'AuditorMSP'] });
    // The main channel's ledger has no such proposal: each channel governs its own members.
    expect(network('governance', 'show', invite).stderr).toContain(`there is no proposal "${invite}" on the ledger`);
    expect(proposalOf(network('governance', 'vote', invite, 'YES', '--org', 'ngo', ...onEvidence)).status).toBe('IN_PROGRESS');
    expect(proposalOf(network('governance', 'vote', invite, 'YES', '--org', 'auditor', ...onEvidence)).status).toBe('APPROVED');
    const executed = network('governance', 'execute', invite, ...onEvidence);
    expect(proposalOf(executed).status).toBe('EXECUTED');
    expect(executed.stderr).toContain(`DonorPlatformMSP is a member of channel ${EVIDENCE} (signed by NgoMSP, AuditorMSP)`);

    // Its own peer holds the channel now (asked alone, no failover); its ordering nodes still do not order it.
    const t = topology();
    expect(await heightOn(endpoint(t, ordererNodes(t)[0]!.operationsPort), EVIDENCE)).toBeUndefined();
    expect(existsSync(paths.profile('donorplatform', EVIDENCE))).toBe(true);
    const joined = clientProfile(channelView(t, EVIDENCE), paths, 'donorplatform', 'donor1');
    await using(connect({ ...joined, gateways: joined.gateways.filter((g) => g.mspId === 'DonorPlatformMSP') }), async (donor) => {
      await until('the donor platform peer to have the evidence NGO', async () => (await outcome(donor.readNgo(ngoId))) === 'OK');
      expect((await donor.readGovernance()).members.map((m) => m.mspId)).toEqual(['NgoMSP', 'AuditorMSP', 'DonorPlatformMSP']);
    });

    const removal = uniqueId('remove-donorplatform');
    proposalOf(network('governance', 'propose-remove', 'DonorPlatformMSP', '--org', 'ngo', '--id', removal, ...onEvidence));
    proposalOf(network('governance', 'vote', removal, 'YES', '--org', 'ngo', ...onEvidence));
    expect(proposalOf(network('governance', 'vote', removal, 'YES', '--org', 'auditor', ...onEvidence)).status).toBe('APPROVED');
    expect(proposalOf(network('governance', 'execute', removal, ...onEvidence)).status).toBe('EXECUTED');
    expect(existsSync(paths.profile('donorplatform', EVIDENCE))).toBe(false);
    const donor = clientProfile(t, paths, 'donorplatform', 'donor1');
    const ngoPeer = endpoint(t, t.orgs.find((o) => o.name === 'ngo')!.peers[0]!.port);
    const refused = await outcome(connect({ ...donor, gateways: donor.gateways.filter((g) => g.endpoint === ngoPeer), channel: EVIDENCE }).then((c) => {
      const read = c.readNgo(ngoId);
      return read.finally(() => c.close());
    }));
    expect(refused).toBe('FORBIDDEN');
    // The main channel did not change.
    await using(onChannel(t.channel, 'donorplatform', 'donor1'), async (member) => {
      expect((await member.readGovernance()).members.map((m) => m.mspId)).toEqual(['DonorPlatformMSP', 'NgoMSP', 'AuditorMSP']);
    });
  });

  test("an API serves the channel its profile names, with a read model of that channel's chain", async () => {
    const ngoId = uniqueId('ngo-api');
    const written = await using(onChannel(EVIDENCE, 'ngo', 'ngoadmin1'), (admin) => admin.registerNgo({ id: ngoId, name: 'Indexed evidence' }));
    const dataDir = mkdtempSync(join(tmpdir(), 'api-evidence-'));
    let api: RunningApi | undefined;
    try {
      await seedEmptyDatabase(join(dataDir, 'database'));
      const password = 'admin-password-for-channels';
      api = await startApi(loadConfig({ LEDGER_PROFILE: paths.profile('ngo', EVIDENCE), LEDGER_CHANNEL: EVIDENCE, PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD: password, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
      const http = request(api.server);
      const { token } = (await http.post('/api/sessions').send({ username: 'admin', password }).expect(201)).body as { token: string };
      const auth = { Authorization: `Bearer ${token}` };
      // Read after the write's block: the read model has indexed the evidence chain that far.
      const record = await http.get(`/api/read/records/ngo/${ngoId}`).query({ minBlock: String(written.blockNumber) }).set(auth);
      expect({ status: record.status, name: (record.body as { value?: { name?: string } }).value?.name }).toEqual({ status: 200, name: 'Indexed evidence' });
      const status = (await http.get('/api/read/status').set(auth).expect(200)).body as { channel: string; height: number };
      expect(status.channel).toBe(EVIDENCE);
    } finally {
      await api?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
