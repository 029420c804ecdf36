// Each member org is a site of its own: its nodes listen on the site's loopback address only, so
// nothing depends on every node sharing 127.0.0.1 (as it could not across machines), and run as
// the site's Unix user, who alone may read the site's keys.
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { common, msp } from '@hyperledger/fabric-protos';
import {
  findOrg, knownFabricBinaries, NodeStatus, ordererNodes, OrgCa, peerCli, peerCliEnv, peerSite, readDefinition, readUpdateEnvelope, SIGNATURE_FORMAT, SignatureFile, sites,
} from '@donation-ledger/network';
import { cli, NETWORK_ARGS, paths, topology, uniqueId, unixUserOf, wrapFabricTools } from './harness';

/** Every listening TCP socket on the machine, with the PID of the process that owns it. */
function listeningSockets(): { address: string; pid: number }[] {
  const ss = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  if (ss.status !== 0) throw new Error(`ss failed: ${ss.stderr}`);
  return ss.stdout.split('\n').flatMap((line) => {
    const local = line.trim().split(/\s+/)[3];
    return [...line.matchAll(/pid=(\d+)/g)].map((m) => ({ address: (local ?? '').replace(/:\d+$/, ''), pid: Number(m[1]) }));
  });
}

// Only root can start processes as other users; CI runs as root.
const asRoot = process.getuid?.() === 0 ? test : test.skip;

describe('sites', () => {
  test("every node listens on its own site's address and no other", () => {
    const nodes = JSON.parse(cli(['status', '--json', ...NETWORK_ARGS]).stdout) as NodeStatus[];
    const sockets = listeningSockets();
    const wrong: string[] = [];
    for (const node of nodes) {
      const site = node.endpoint.replace(/:\d+$/, '');
      const own = sockets.filter((s) => s.pid === node.pid);
      if (own.length === 0) wrong.push(`${node.id} (pid ${String(node.pid)}) listens nowhere`);
      for (const s of own.filter((o) => o.address !== site)) wrong.push(`${node.id} listens on ${s.address}, not on its site's ${site}`);
    }
    expect(wrong).toEqual([]);
    // The donor platform's site and the NGO's, each with its ordering nodes: two addresses.
    expect(new Set(nodes.map((n) => n.endpoint.replace(/:\d+$/, ''))).size).toBe(2);
    expect(nodes.filter((n) => n.kind === 'orderer').map((n) => n.endpoint.replace(/:\d+$/, ''))).toEqual(
      ordererNodes(topology()).map((n) => n.org.host),
    );
  });

  test("each site's connection profile names files in the site's own folder only (other members' TLS roots are copies)", () => {
    for (const org of topology().orgs) {
      const file = paths().profile(org.name);
      const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const named = filesNamedIn(profile).map((f) => resolve(dirname(file), f));
      expect(named.length).toBeGreaterThan(3);
      expect(named.filter((f) => !f.startsWith(`${paths().org(org.name)}/`))).toEqual([]);
    }
  });

  asRoot("every node runs as its site's own Unix user", () => {
    const nodes = JSON.parse(cli(['status', '--json', ...NETWORK_ARGS]).stdout) as NodeStatus[];
    // Every node's ID ends with its site's name (orderer0.ngo, peer0.ngo, ca.ngo, ccaas.ngo).
    const siteOf = (id: string): string => id.slice(id.lastIndexOf('.') + 1);
    const owners = nodes.map((n) => `${n.id}: ${unixUserOf(n.pid)}`);
    expect(owners).toEqual(nodes.map((n) => `${n.id}: ledger-${siteOf(n.id)}`));
    expect(owners).toEqual(expect.arrayContaining(['orderer0.donorplatform', 'orderer1.donorplatform', 'orderer0.ngo'].map((id) => `${id}: ledger-${siteOf(id)}`)));
    expect(new Set(owners.map((o) => o.split(': ')[1])).size).toBe(2);
  });

  asRoot("a site's user reads what the other sites published for founding (definitions, genesis block)", () => {
    const ngo = unixUser('ledger-ngo');
    const published = [paths().publicDefinition('donorplatform'), paths().publicGenesisBlock(topology().channel)];
    expect(published.map((file) => ({ file, status: spawnSync('cat', [file], { ...ngo }).status }))).toEqual(published.map((file) => ({ file, status: 0 })));
  });

  asRoot("a site's user opens its own key files and cannot open another site's", () => {
    const ngo = unixUser('ledger-ngo');
    const read = (file: string): { status: number | null; stderr: string } => spawnSync('cat', [file], { ...ngo, encoding: 'utf8' });
    const ownKey = join(paths().msp('ngo', 'peer0.ngo'), 'keystore', 'key.pem');
    expect(read(ownKey).status).toBe(0);
    for (const file of [
      join(paths().msp('donorplatform', 'peer0.donorplatform'), 'keystore', 'key.pem'),
      paths().secrets('donorplatform'),
      join(paths().msp('donorplatform', 'orderer0.donorplatform'), 'keystore', 'key.pem'),
      join(paths().tls('donorplatform', 'orderer0.donorplatform'), 'server.key'),
    ]) {
      const result = read(file);
      expect({ file, status: result.status, stderr: result.stderr }).toEqual({ file, status: 1, stderr: expect.stringContaining('Permission denied') });
    }
  });
});

describe("each site makes its own keys", () => {
  asRoot("enrolling with an org's CA runs every fabric-ca-client command as the org's site user, never as root", async () => {
    const t = topology();
    const p = paths();
    const tools = wrapFabricTools(p);
    const umask = process.umask(0o077); // as the network's CLI runs
    try {
      const bins = knownFabricBinaries(p.binDirFile);
      if (!bins) throw new Error('the test network has no Fabric binaries recorded');
      const orgs = sites(t);
      expect(orgs.length).toBe(2);
      for (const org of orgs) {
        const before = tools.calls().length;
        // Without its client home the CA's bootstrap admin is enrolled again; then a new identity is registered and enrolled (MSP and TLS).
        rmSync(p.caClientHome(org.name), { recursive: true, force: true });
        await new OrgCa(bins, p, t, org.name, org.ca).enroll([{ name: uniqueId('keys'), type: 'client', tls: true }]);
        const user = `ledger-${org.name}`;
        expect(tools.calls().slice(before)).toEqual([
          `${user} fabric-ca-client enroll -H`, `${user} fabric-ca-client register -H`, `${user} fabric-ca-client enroll -M`, `${user} fabric-ca-client enroll -M`,
        ]);
      }
      expect(tools.calls().filter((call) => call.startsWith('root '))).toEqual([]);
    } finally {
      process.umask(umask);
      tools.restore();
    }
  });

  asRoot("each site's private keys are files of its user, 0600, in its 0700 folder", () => {
    const t = topology();
    const p = paths();
    for (const org of sites(t)) {
      const user = unixUser(`ledger-${org.name}`);
      const folder = statSync(p.org(org.name));
      expect({ org: org.name, uid: folder.uid, mode: folder.mode & 0o777 }).toEqual({ org: org.name, uid: user.uid, mode: 0o700 });
      const keys = privateKeyFiles(p.org(org.name));
      const peer = `peer0.${org.name}`;
      // The CA's own keys (signing and TLS), its bootstrap admin's, and each identity's enrollment and TLS keys.
      expect(keys).toEqual(expect.arrayContaining([join(p.msp(org.name, peer), 'keystore', 'key.pem'), join(p.tls(org.name, peer), 'server.key')]));
      expect(keys.filter((key) => key.startsWith(join(p.caHome(org.name), 'msp', 'keystore')) && key.endsWith('_sk'))).toHaveLength(2);
      expect(keys.filter((key) => key.startsWith(join(p.caClientHome(org.name), 'msp', 'keystore')) && key.endsWith('_sk'))).toHaveLength(1);
      const owners = keys.map((file) => ({ file, uid: statSync(file).uid, mode: statSync(file).mode & 0o777 }));
      expect(owners).toEqual(keys.map((file) => ({ file, uid: user.uid, mode: 0o600 })));
    }
  });
});

describe('founding: only public files crossed between the sites', () => {
  const work = mkdtempSync(join(tmpdir(), 'founding-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const network = (...args: string[]): ReturnType<typeof cli> => cli([...args, ...NETWORK_ARGS]);

  test("the public folder holds each founder's definition and the genesis block, and nothing secret", () => {
    const t = topology();
    const p = paths();
    const files = readdirSync(p.publicDir).sort();
    expect(files).toEqual([...sites(t).map((s) => `${s.name}.definition.json`), `${t.channel}.genesis.block`].sort());
    expect(statSync(p.publicDir).mode & 0o777).toBe(0o755);
    const secrets = sites(t).flatMap((s) => {
      const stored = JSON.parse(readFileSync(p.secrets(s.name), 'utf8')) as { caAdmin: string; identities: Record<string, string> };
      return [stored.caAdmin, ...Object.values(stored.identities)];
    });
    expect(secrets.length).toBeGreaterThan(10);
    for (const file of files.map((f) => join(p.publicDir, f))) {
      expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o644 });
      const content = readFileSync(file).toString('latin1');
      expect(content).not.toContain('PRIVATE KEY');
      expect(secrets.filter((secret) => content.includes(secret))).toEqual([]);
    }
  });

  test("the channel's genesis block is the one built from the definitions: it carries their roots and consenters' certificates", () => {
    const t = topology();
    const p = paths();
    const block = readFileSync(p.publicGenesisBlock(t.channel));
    expect(block.equals(readFileSync(p.channelBlock(t.channel)))).toBe(true);
    const definitions = sites(t).map((s) => readDefinition(p.publicDefinition(s.name)));
    const published = definitions.flatMap((d) => [d.caRootCert, d.tlsRootCert, ...d.orderers.map((n) => n.tlsCert)]);
    expect(published.length).toBe(2 * sites(t).length + ordererNodes(t).length);
    expect(published.filter((pem) => !block.includes(pem))).toEqual([]);
    // The channel's first block is its genesis block: what every peer of every site joined with.
    const fetched = join(work, 'block0.pb');
    const bins = knownFabricBinaries(p.binDirFile);
    if (!bins) throw new Error('the test network has no Fabric binaries recorded');
    // As the NGO's admin, on its site (as its Unix user, into its admin-work folder).
    const ngo = findOrg(t, 'ngo');
    const env = peerCliEnv(bins, t, p, ngo);
    const into = join(peerSite(bins, p, ngo).workDir, 'block0.pb');
    peerCli(bins, t, p, ngo, ['channel', 'fetch', '0', into, '-c', t.channel, '-o', env.ORDERER_ADDRESS ?? '', '--tls', '--cafile', env.ORDERER_CA ?? ''], 'fetch block 0');
    copyFileSync(into, fetched);
    rmSync(into);
    expect(readFileSync(fetched).equals(block)).toBe(true);
  });

  test('org export and org inspect work on a site as founders would use them; channel genesis refuses a tampered definition, writing nothing', () => {
    const t = topology();
    const exported = join(work, 'ngo.json');
    expect(network('org', 'export', '--org', 'ngo', '--out', exported).status).toBe(0);
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toEqual(JSON.parse(readFileSync(paths().publicDefinition('ngo'), 'utf8')));
    const inspected = network('org', 'inspect', exported);
    expect(inspected.stdout).toContain(`org ngo (MSP ID NgoMSP), site address ${findOrg(t, 'ngo').host}`);
    // The NGO's definition claiming the donor platform's TLS root: its ordering node's TLS certificate no longer chains to it.
    const tampered = join(work, 'tampered.json');
    const donorPlatform = readDefinition(paths().publicDefinition('donorplatform'));
    writeFileSync(tampered, JSON.stringify({ ...JSON.parse(readFileSync(exported, 'utf8')), tlsRootCert: donorPlatform.tlsRootCert }));
    const out = join(work, 'genesis.block');
    const refused = network('channel', 'genesis', '--definition', paths().publicDefinition('donorplatform'), '--definition', tampered, '--out', out);
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status: 2, stderr: expect.stringContaining("orderers[0].tlsCert: not issued by this definition's tlsRootCert") });
    expect(existsSync(out)).toBe(false);
    const built = network('channel', 'genesis', '--definition', exported, '--definition', paths().publicDefinition('donorplatform'), '--out', out);
    expect(built.stderr).toContain(`the genesis block of ${t.channel} for DonorPlatformMSP, NgoMSP`);
    expect(readFileSync(out).includes(donorPlatform.caRootCert)).toBe(true);
  });
});

/** Every value of a "...Path" key, anywhere in a profile. */
function filesNamedIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(filesNamedIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => (key.endsWith('Path') && typeof v === 'string' ? [v] : filesNamedIn(v)));
}

/** Every private key file under `folder`: whatever a keystore holds (`*_sk`, key.pem, the CA's) and TLS keys (server.key). */
function privateKeyFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => /(^|\/)keystore\/[^/]+$/.test(file) || /(^|\/)tls\/server\.key$/.test(file))
    .map((file) => join(folder, file))
    .filter((file) => statSync(file).isFile());
}

function unixUser(name: string): { uid: number; gid: number } {
  const [, , uid, gid] = spawnSync('getent', ['passwd', name], { encoding: 'utf8' }).stdout.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

describe('a channel config update signed on separate sites, only files crossing', () => {
  const work = mkdtempSync(join(tmpdir(), 'config-update-'));
  const file = (name: string): string => join(work, name);
  const network = (...args: string[]): ReturnType<typeof cli> => cli([...args, ...NETWORK_ARGS]);
  // A benign change that needs the members' MAJORITY: an ACL of the Application group, set to its default.
  const ACL = 'peer/ChaincodeToChaincode';
  const aclOf = (configFile: string): unknown =>
    (JSON.parse(readFileSync(configFile, 'utf8')) as { channel_group: { groups: { Application: { values: { ACLs?: { value: { acls: Record<string, unknown> } } } } } } })
      .channel_group.groups.Application.values.ACLs?.value.acls[ACL];
  // While this suite runs, the network's Fabric tools are wrappers that note the Unix user each
  // command ran as before running the real one: who read the admin keys is seen, not assumed.
  let tools: ReturnType<typeof wrapFabricTools> | undefined;
  const fetchedAcl = (name: string): unknown => {
    expect(network('config-update', 'fetch', '--org', 'ngo', '--out', file(name)).status).toBe(0);
    return aclOf(file(name));
  };

  beforeAll(() => {
    tools = wrapFabricTools(paths());
    expect(fetchedAcl('config.json')).toBeUndefined();
    const config = JSON.parse(readFileSync(file('config.json'), 'utf8')) as { channel_group: { groups: { Application: { values: Record<string, unknown> } } } };
    config.channel_group.groups.Application.values.ACLs = { mod_policy: 'Admins', value: { acls: { [ACL]: { policy_ref: '/Channel/Application/Writers' } } } };
    writeFileSync(file('edited.json'), JSON.stringify(config));
    const created = network('config-update', 'create', file('config.json'), file('edited.json'), '--out', file('update.pb'));
    expect(created.stderr).toContain('send it to the members');
    expect(created.status).toBe(0);
  });
  afterAll(() => {
    tools?.restore();
    rmSync(work, { recursive: true, force: true });
  });

  test('the update can be inspected before signing: its channel, signers so far and the change', () => {
    const inspected = network('config-update', 'inspect', file('update.pb'));
    expect(inspected.status).toBe(0);
    const summary = JSON.parse(inspected.stdout) as { channel: string; signedBy: string[]; configUpdate: unknown };
    expect(summary).toMatchObject({ channel: 'donations', signedBy: [] });
    expect(JSON.stringify(summary.configUpdate)).toContain(ACL);
  });

  test('signed by the submitting site alone (not a MAJORITY of two members), Fabric refuses it and nothing changes', () => {
    const submitted = network('config-update', 'submit', file('update.pb'), '--org', 'donorplatform');
    expect(submitted.status).toBe(1);
    expect(submitted.stderr).toMatch(/policy|signature set did not satisfy/i);
    expect(fetchedAcl('after-minority.json')).toBeUndefined();
  });

  test('a signature file that was changed, made by a non-member, or is not one at all is refused, naming why, and nothing changes', () => {
    expect(network('config-update', 'sign', file('update.pb'), '--org', 'ngo', '--out', file('ngo.sig.json')).status).toBe(0);
    const good = JSON.parse(readFileSync(file('ngo.sig.json'), 'utf8')) as SignatureFile;
    expect(good).toMatchObject({ format: SIGNATURE_FORMAT, channel: 'donations', mspId: 'NgoMSP' });

    const bytes = Buffer.from(good.signature, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    writeFileSync(file('changed.sig.json'), JSON.stringify({ ...good, signature: bytes.toString('base64') }));
    writeFileSync(file('outsider.sig.json'), JSON.stringify(signatureAsOutsider(file('update.pb'))));
    writeFileSync(file('junk.sig.json'), JSON.stringify({ hello: 'world' }));
    writeFileSync(file('junk.pb'), 'not an envelope');

    const refusal = (update: string, signature: string): { status: number | null; stderr: string } =>
      network('config-update', 'submit', file(update), '--org', 'donorplatform', '--signature', file(signature));
    expect(refusal('update.pb', 'changed.sig.json')).toMatchObject({ status: 2, stderr: expect.stringContaining('the signature of NgoMSP does not verify') as unknown });
    expect(refusal('update.pb', 'outsider.sig.json')).toMatchObject({ status: 2, stderr: expect.stringContaining('OutsiderMSP is not a member of channel donations') as unknown });
    expect(refusal('update.pb', 'junk.sig.json')).toMatchObject({ status: 2, stderr: expect.stringContaining('not a signature file') as unknown });
    expect(refusal('junk.pb', 'ngo.sig.json')).toMatchObject({ status: 2, stderr: expect.stringContaining('is not a config update envelope') as unknown });
    expect(fetchedAcl('after-refusals.json')).toBeUndefined();
  });

  test("with the other member's signature file (a MAJORITY with the submitter's own) it commits", () => {
    const submitted = network('config-update', 'submit', file('update.pb'), '--org', 'donorplatform', '--signature', file('ngo.sig.json'));
    expect(submitted.stderr).toContain('with the signatures of NgoMSP, DonorPlatformMSP');
    expect(submitted.status).toBe(0);
    expect(fetchedAcl('after-majority.json')).toEqual({ policy_ref: '/Channel/Application/Writers' });
  });

  asRoot("each member's admin commands ran on its own site as its Unix user, never as root: fetched, signed and submitted", () => {
    const calls = tools?.calls() ?? [];
    const adminCalls = calls.filter((c) => / (peer|osnadmin) /.test(` ${c} `));
    expect(adminCalls).toEqual(expect.arrayContaining([
      'ledger-ngo peer channel fetch', 'ledger-ngo peer channel signconfigtx', 'ledger-donorplatform peer channel update',
    ]));
    expect(adminCalls.filter((c) => !c.startsWith('ledger-'))).toEqual([]);
    // configtxlator (no key) runs where the command was given.
    expect(calls).toContain('root configtxlator compute_update --channel_id');
  });

  /** A well-formed signature of the update by an admin (OU=admin) of an org that is not a channel member. */
  function signatureAsOutsider(updateFile: string): SignatureFile {
    const update = readUpdateEnvelope(updateFile);
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/OU=admin/CN=outsider', '-keyout', file('outsider.key'), '-out', file('outsider.crt'),
    ], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
    const creator = new msp.SerializedIdentity();
    creator.setMspid('OutsiderMSP');
    creator.setIdBytes(readFileSync(file('outsider.crt')));
    const header = new common.SignatureHeader();
    header.setCreator(creator.serializeBinary());
    header.setNonce(randomBytes(24));
    const headerBytes = Buffer.from(header.serializeBinary());
    const key = createPrivateKey(readFileSync(file('outsider.key')));
    return {
      format: SIGNATURE_FORMAT, channel: update.channel, mspId: 'OutsiderMSP', update: createHash('sha256').update(update.configUpdate).digest('hex'),
      signatureHeader: headerBytes.toString('base64'), signature: sign('sha256', Buffer.concat([headerBytes, update.configUpdate]), key).toString('base64'),
    };
  }
});
