// An orderer-only org: a site outside the consortium that runs the ordering service and nothing
// else (fixtures/topology-orderer-org.json: "ordering" runs the one Raft node; the donor platform
// and the NGO run peers only). It is in the channel's Orderer group and not in its Application
// group, so a change of the ordering service needs its admin's signature, made on its own site.
// This suite runs its own network (its own folder and ports) and stops it afterwards.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect, LedgerError } from '@donation-ledger/client';
import { clientProfile, loadEffectiveTopology, NodeStatus, REPO_ROOT, RunPaths, Topology } from '@donation-ledger/network';
import { cli, CLI, PORT_OFFSET, startOwnNetwork, TEST_RUN_DIR, uniqueId, unixUserOf, until, using } from './harness';

const TOPOLOGY = join(__dirname, 'fixtures', 'topology-orderer-org.json');
const RUN_DIR = join(dirname(TEST_RUN_DIR), 'orderer-org-network');
const OFFSET = Number(process.env.LEDGER_ORDERER_ORG_PORT_OFFSET ?? PORT_OFFSET + 6000);
const ARGS = ['--topology', TOPOLOGY, '--run-dir', RUN_DIR, '--port-offset', String(OFFSET)];
const AUDITOR_SPEC = join(REPO_ROOT, 'network', 'orgs', 'auditor.json');
const paths = new RunPaths(RUN_DIR);
const topology = (): Topology => loadEffectiveTopology(TOPOLOGY, paths, OFFSET);
const network = (...args: string[]): ReturnType<typeof cli> => cli([...args, ...ARGS]);
const work = mkdtempSync(join(tmpdir(), 'orderer-org-'));
const file = (name: string): string => join(work, name);

interface ConfigJson {
  channel_group: {
    groups: {
      Application: { groups: Record<string, unknown> };
      Orderer: { groups: Record<string, unknown>; values: { BatchTimeout: { value: { timeout: string } }; ConsensusType: { value: { metadata: { consenters: unknown[] } } } } };
    };
  };
}

/** The channel config as the NGO org's admin fetches it. */
function channelConfig(name: string): ConfigJson {
  const fetched = network('config-update', 'fetch', '--org', 'ngo', '--out', file(name));
  if (fetched.status !== 0) throw new Error(`config-update fetch failed: ${fetched.stderr}`);
  return JSON.parse(readFileSync(file(name), 'utf8')) as ConfigJson;
}

const groupsOf = (config: ConfigJson): { application: string[]; orderer: string[]; consenters: number } => ({
  application: Object.keys(config.channel_group.groups.Application.groups).sort(),
  orderer: Object.keys(config.channel_group.groups.Orderer.groups).sort(),
  consenters: config.channel_group.groups.Orderer.values.ConsensusType.value.metadata.consenters.length,
});

/**
 * An NGO registered through the NGO org's peer: the write was ordered and committed. Right after a
 * change of the ordering nodes a peer may still send to a node that just left (seen: a submit
 * DEADLINE_EXCEEDED after the auditor's node was taken out), so the same request is retried,
 * as the error tells a client to, until the NGO is on the ledger.
 */
async function writeGoesThrough(): Promise<void> {
  const id = uniqueId('ngo-ordered');
  await using(connect(clientProfile(topology(), paths, 'ngo', 'ngoadmin1')), async (admin) => {
    await until(`NGO ${id} to be written`, async () => {
      return admin.registerNgo({ id, name: 'Ordered by the ordering org' }).then(() => true, async (err: unknown) => {
        if (await admin.readNgo(id).then(() => true, () => false)) return true; // an earlier attempt committed
        if (err instanceof LedgerError && TRANSIENT.includes(err.code)) return false;
        throw err;
      });
    }, 60_000);
    expect((await admin.readNgo(id)).id).toBe(id);
  });
}

const TRANSIENT: readonly string[] = ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'STATUS_UNKNOWN'];

/**
 * Runs `org add` of the auditor and kills it (its process group: the CLI and its tools; the nodes
 * it starts have groups of their own) once the org is a member and its ordering node starts;
 * returns what it printed.
 */
function addKilledOnceMember(): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'org', 'add', AUDITOR_SPEC, ...ARGS], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let printed = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes('starting the ordering node(s) of auditor') && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    });
    child.on('error', reject);
    child.on('close', () => resolve(printed));
  });
}

beforeAll(() => startOwnNetwork(ARGS, 'orderer-org'), 240_000);

afterAll(() => {
  cli(['down', ...ARGS], { inherit: true });
  rmSync(work, { recursive: true, force: true });
});

describe('an orderer-only org', () => {
  test('runs the ordering service on its own site (own address, own Unix user when root), is in the Orderer group only, and the members write through it', async () => {
    const nodes = JSON.parse(network('status', '--json').stdout) as NodeStatus[];
    const ordering = nodes.filter((n) => n.id.endsWith('.ordering'));
    expect(ordering.map((n) => n.id).sort()).toEqual(['ca.ordering', 'orderer0.ordering']);
    expect(ordering.every((n) => n.endpoint.startsWith('127.0.1.1:'))).toBe(true);
    // Every ordering node is the ordering org's; the members run peers, chaincode servers and CAs.
    expect(nodes.filter((n) => n.kind === 'orderer').map((n) => n.id)).toEqual(['orderer0.ordering']);
    if (process.getuid?.() === 0) expect(ordering.map((n) => unixUserOf(n.pid))).toEqual(['ledger-ordering', 'ledger-ordering']);

    expect(groupsOf(channelConfig('config.json'))).toEqual({ application: ['DonorPlatformMSP', 'NgoMSP'], orderer: ['OrderingMSP'], consenters: 1 });
    // It publishes its definition for founding, and gets no connection profile: it runs no gateway.
    expect(existsSync(paths.publicDefinition('ordering'))).toBe(true);
    expect(existsSync(paths.profile('ordering'))).toBe(false);
    await writeGoesThrough();
  });

  test("a change of the ordering service signed by both members only is refused by Fabric; with the ordering org's signature file it commits", async () => {
    const config = channelConfig('batch.json');
    const edited = structuredClone(config);
    edited.channel_group.groups.Orderer.values.BatchTimeout.value.timeout = '300ms';
    writeFileSync(file('batch-edited.json'), JSON.stringify(edited));
    expect(network('config-update', 'create', file('batch.json'), file('batch-edited.json'), '--out', file('batch.pb')).status).toBe(0);

    expect(network('config-update', 'sign', file('batch.pb'), '--org', 'donorplatform', '--out', file('donorplatform.sig.json')).status).toBe(0);
    const byMembers = network('config-update', 'submit', file('batch.pb'), '--org', 'ngo', '--signature', file('donorplatform.sig.json'));
    expect(byMembers.status).toBe(1);
    expect(byMembers.stderr).toMatch(/policy|signature set did not satisfy/i);
    expect(channelConfig('after-members.json').channel_group.groups.Orderer.values.BatchTimeout.value.timeout).toBe('250ms');

    const signed = network('config-update', 'sign', file('batch.pb'), '--org', 'ordering', '--out', file('ordering.sig.json'));
    expect(signed.status).toBe(0);
    const submitted = network('config-update', 'submit', file('batch.pb'), '--org', 'ngo', '--signature', file('ordering.sig.json'));
    expect(submitted.stderr).toContain('with the signatures of OrderingMSP, NgoMSP');
    expect(submitted.status).toBe(0);
    expect(channelConfig('after-ordering.json').channel_group.groups.Orderer.values.BatchTimeout.value.timeout).toBe('300ms');
    await writeGoesThrough();
  });

  test("a member that brings an ordering node joins with the ordering org's signature (the Orderer group's majority), also when its first 'org add' stopped half-way, and leaves with it", async () => {
    // The first run is killed once the org is a member, as its ordering node starts: before that node and the peer join.
    const stopped = await addKilledOnceMember();
    expect(stopped).toContain('AuditorMSP is a member of channel donations (signed by OrderingMSP, DonorPlatformMSP, NgoMSP)');
    expect(stopped).not.toContain('joined channel donations in');
    const added = network('org', 'add', AUDITOR_SPEC);
    expect(added.stderr).toContain('AuditorMSP is a member already (an earlier "org add" of this spec); finishing the steps it left');
    expect(added.stderr).toContain('AuditorMSP is already in the config of channel donations; going on with its nodes');
    expect(added.stderr).toContain('auditor (AuditorMSP) joined channel donations in');
    expect(added.status).toBe(0);
    expect(groupsOf(channelConfig('with-auditor.json'))).toEqual({ application: ['AuditorMSP', 'DonorPlatformMSP', 'NgoMSP'], orderer: ['AuditorMSP', 'OrderingMSP'], consenters: 2 });
    await writeGoesThrough();

    // Taking it out changes both groups: a majority of the three members and both ordering orgs.
    const removed = network('org', 'remove', 'auditor');
    expect(removed.stderr).toContain('remove AuditorMSP and its ordering node orderer0.auditor (signed by OrderingMSP, DonorPlatformMSP, NgoMSP, AuditorMSP)');
    expect(removed.status).toBe(0);
    expect(groupsOf(channelConfig('without-auditor.json'))).toEqual({ application: ['DonorPlatformMSP', 'NgoMSP'], orderer: ['OrderingMSP'], consenters: 1 });
    await writeGoesThrough();
  });
});
