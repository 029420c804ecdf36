import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_OUS, nodeOuConfigYaml } from './ca';
import { DefinitionError, definitionJson, describeDefinition, exportDefinition, OrgDefinition, parseDefinition } from './definitions';
import { FabricBinaries } from './fabric-bin';
import { buildGenesisBlock, materialiseDefinitions, readFoundingDefinitions } from './founding';
import { DEFAULT_TOPOLOGY, REPO_ROOT, RunPaths } from './paths';
import { Topology, validateTopology } from './topology';

// A fake private key, its label spelled apart so that the repository's own check for committed
// private keys (secrets.test.ts) does not find this file.
const PRIVATE_KEY = ['PRIVATE', 'KEY'].join(' ');
const pem = (label: string, body: string): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;

/** Public certificates made with openssl (see the file): CAs alpha and beta and ordering-node certificates each issued by one. */
const certs = JSON.parse(readFileSync(join(REPO_ROOT, 'network', 'test-fixtures', 'founding-certs.json'), 'utf8')) as Record<string, string>;
const cert = (name: string): string => {
  const pem = certs[name];
  if (!pem) throw new Error(`no fixture certificate ${name}`);
  return pem.trim();
};

/** The shipped topology with its two orgs renamed alpha (127.0.9.1) and beta (127.0.9.2), one ordering node each. */
function alphaBetaTopology(): Topology {
  const raw = JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as { orgs: Record<string, unknown>[] };
  const [first, second] = raw.orgs;
  Object.assign(first!, { name: 'alpha', mspId: 'AlphaMSP', host: '127.0.9.1', orderers: [{ name: 'orderer0', port: 7255, adminPort: 7256, operationsPort: 9642 }] });
  Object.assign(second!, { name: 'beta', mspId: 'BetaMSP', host: '127.0.9.2' });
  return validateTopology(raw);
}

const t = alphaBetaTopology();

function definitionOf(org: 'alpha' | 'beta'): OrgDefinition {
  const site = t.orgs.find((o) => o.name === org)!;
  return {
    version: 1,
    name: org,
    mspId: site.mspId,
    host: site.host,
    caRootCert: cert(org),
    tlsRootCert: cert(org),
    nodeOUs: { ...NODE_OUS },
    anchorPeers: [{ host: site.host, port: site.peers[0]!.port }],
    orderers: site.orderers.map((n) => ({ name: n.name, host: site.host, port: n.port, tlsCert: cert(`${org}-orderer-tls`), enrollmentCert: cert(`${org}-orderer-ecert`) })),
  };
}

/** The problems a definition is refused with ([] when it is accepted). */
function problemsOf(value: unknown): readonly string[] {
  try {
    parseDefinition(typeof value === 'string' ? value : JSON.stringify(value), 'def.json');
    return [];
  } catch (err) {
    if (err instanceof DefinitionError) return err.problems;
    throw err;
  }
}

describe("an org's public definition", () => {
  test('a complete definition is accepted as it is, and its summary names the org, its roots (fingerprint, expiry) and its nodes', () => {
    const alpha = definitionOf('alpha');
    expect(parseDefinition(definitionJson(alpha), 'alpha.json')).toEqual(alpha);
    const summary = describeDefinition(alpha);
    expect(summary).toContain('org alpha (MSP ID AlphaMSP), site address 127.0.9.1, definition version 1');
    expect(summary).toContain('TLS root: the CA root');
    expect(summary).toMatch(/CA root: {2}C=US, O=Hyperledger, OU=Fabric, CN=ca\.alpha\n {6}SHA-256 [0-9A-F:]{95}, valid until .* 21\d\d GMT/);
    expect(summary).toContain('orderer0 at 127.0.9.1:7255');
    expect(summary).toContain('anchor peers: 127.0.9.1:7251');
  });

  test('malformed JSON is refused, saying so', () => {
    expect(problemsOf('{"version": 1,')).toEqual([expect.stringMatching(/^not JSON: /)]);
    expect(() => parseDefinition('[]', 'list.json')).toThrow(/list\.json is not a usable org definition \(nothing was changed\):\n {2}- the file: must be an object/);
  });

  test('unknown and missing fields are all reported at once, each by its path', () => {
    const alpha = definitionOf('alpha');
    const noMspId: Record<string, unknown> = { ...alpha };
    delete noMspId.mspId;
    expect(problemsOf({ ...noMspId, privateKey: 'x', nodeOUs: { client: 'client', peer: 'peer', admin: 'admin' }, orderers: [{ ...alpha.orderers[0], adminPort: 1 }] })).toEqual([
      'privateKey: unknown field (allowed: version, name, mspId, host, caRootCert, tlsRootCert, nodeOUs, anchorPeers, orderers)',
      'mspId: missing',
      'nodeOUs.orderer: missing',
      'orderers[0].adminPort: unknown field (allowed: name, host, port, tlsCert, enrollmentCert)',
    ]);
  });

  test('another version of the format is refused, not guessed at', () => {
    expect(problemsOf({ ...definitionOf('alpha'), version: 2 })).toEqual(['version: this tool reads version 1, got 2']);
  });

  test('a certificate that is not PEM is refused; a private key is called out', () => {
    const alpha = definitionOf('alpha');
    const body = alpha.caRootCert.split('\n').slice(1, -1).join('\n');
    expect(problemsOf({ ...alpha, caRootCert: body, tlsRootCert: pem(PRIVATE_KEY, 'MIGH') })).toEqual([
      'caRootCert: must be one PEM certificate (-----BEGIN CERTIFICATE----- ...)',
      'tlsRootCert: must be one PEM certificate (-----BEGIN CERTIFICATE----- ...) (it holds a private key: never send one)',
    ]);
    expect(problemsOf({ ...alpha, caRootCert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toEqual([
      expect.stringMatching(/^caRootCert: not a readable X\.509 certificate/),
    ]);
  });

  test("ordering nodes' TLS and enrollment certificates must be issued by the definition's own roots", () => {
    const alpha = definitionOf('alpha');
    const node = alpha.orderers[0]!;
    expect(problemsOf({ ...alpha, orderers: [{ ...node, tlsCert: cert('beta-orderer-tls'), enrollmentCert: cert('beta-orderer-ecert') }] })).toEqual([
      expect.stringMatching(/^orderers\[0\]\.tlsCert: not issued by this definition's tlsRootCert \(issuer: .*CN=ca\.beta; tlsRootCert: .*CN=ca\.alpha\)$/),
      expect.stringMatching(/^orderers\[0\]\.enrollmentCert: not issued by this definition's caRootCert/),
      "orderers[0].tlsCert: does not name its node's address 127.0.9.1 (subject alternative names: DNS:localhost, IP Address:127.0.9.2)",
    ]);
    // A definition that swaps its roots for another CA's no longer vouches for its own nodes.
    expect(problemsOf({ ...alpha, tlsRootCert: cert('beta') })).toEqual([expect.stringMatching(/^orderers\[0\]\.tlsCert: not issued by this definition's tlsRootCert/)]);
  });

  test('a root must be a self-signed CA; a TLS certificate must name its node; an enrollment certificate must carry the orderer OU', () => {
    const alpha = definitionOf('alpha');
    const node = alpha.orderers[0]!;
    expect(problemsOf({ ...alpha, caRootCert: cert('alpha-orderer-ecert') })).toEqual([
      'caRootCert: not a CA certificate (basic constraints CA:FALSE)',
      expect.stringMatching(/^orderers\[0\]\.enrollmentCert: not issued by this definition's caRootCert/),
    ]);
    expect(problemsOf({ ...alpha, orderers: [{ ...node, host: '127.0.9.7' }] })).toEqual([
      'orderers[0].tlsCert: does not name its node\'s address 127.0.9.7 (subject alternative names: DNS:localhost, DNS:orderer0.alpha, IP Address:127.0.9.1)',
    ]);
    expect(problemsOf({ ...alpha, orderers: [{ ...node, enrollmentCert: cert('alpha-client-ecert') }] })).toEqual([
      'orderers[0].enrollmentCert: has no OU "orderer" (nodeOUs.orderer), so the channel would not take it for an ordering node',
    ]);
  });

  test('an org with neither anchor peers nor ordering nodes, or two nodes of one name, is refused', () => {
    const alpha = definitionOf('alpha');
    expect(problemsOf({ ...alpha, anchorPeers: [], orderers: [] })).toEqual(['an org needs anchor peers, ordering nodes or both']);
    expect(problemsOf({ ...alpha, orderers: [alpha.orderers[0], alpha.orderers[0]] })).toEqual(['orderers: two nodes with one name']);
  });
});

describe('a site exports its definition from its own folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('roots, NodeOUs and its nodes\' public certificates, never a key; no other site folder is needed', () => {
    const paths = new RunPaths(dir);
    const msp = paths.orgMsp('alpha');
    for (const sub of ['cacerts', 'tlscacerts']) {
      mkdirSync(join(msp, sub), { recursive: true });
      writeFileSync(join(msp, sub, 'ca.pem'), `${cert('alpha')}\n`);
    }
    writeFileSync(join(msp, 'config.yaml'), nodeOuConfigYaml(NODE_OUS));
    const tls = paths.tls('alpha', 'orderer0.alpha');
    const signcerts = join(paths.msp('alpha', 'orderer0.alpha'), 'signcerts');
    mkdirSync(tls, { recursive: true });
    mkdirSync(signcerts, { recursive: true });
    writeFileSync(join(tls, 'server.crt'), cert('alpha-orderer-tls'));
    writeFileSync(join(tls, 'server.key'), `${pem(PRIVATE_KEY, 'secret')}\n`);
    writeFileSync(join(signcerts, 'cert.pem'), cert('alpha-orderer-ecert'));
    const exported = exportDefinition(t, paths, 'alpha');
    expect(exported).toEqual(definitionOf('alpha'));
    expect(definitionJson(exported)).not.toMatch(/PRIVATE KEY|secret/);
    expect(() => exportDefinition(t, paths, 'beta')).toThrow(/site beta has no CA root certificate/);
    expect(() => exportDefinition(t, paths, 'gamma')).toThrow('unknown org "gamma"; the topology has: alpha, beta');
  });
});

describe('the genesis block is built from the founders\' definition files only', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'founding-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  const problemsOf = (files: string[]): readonly string[] => {
    try {
      readFoundingDefinitions(t, files);
      return [];
    } catch (err) {
      if (err instanceof DefinitionError) return err.problems;
      throw err;
    }
  };

  test('one definition per founding org, in any order: they come back in the topology\'s order (BFT consenter IDs follow it)', () => {
    const founders = readFoundingDefinitions(t, [file('b.json', definitionOf('beta')), file('a.json', definitionOf('alpha'))]);
    expect(founders.map((d) => d.mspId)).toEqual(['AlphaMSP', 'BetaMSP']);
  });

  test('a definition that does not fit the topology is refused, each problem naming its file', () => {
    const alpha = definitionOf('alpha');
    const a = file('a.json', { ...alpha, mspId: 'OtherMSP' });
    const b = file('b.json', definitionOf('beta'));
    expect(problemsOf([a, b])).toEqual([`${a}: mspId: OtherMSP, but the topology's org alpha has AlphaMSP`]);
    const moved = file('moved.json', { ...alpha, anchorPeers: [{ host: '127.0.9.1', port: 7999 }], orderers: [] });
    expect(problemsOf([moved, b])).toEqual([
      `${moved}: orderers: none, but the topology has orderer0@127.0.9.1:7255`,
      `${moved}: anchorPeers: 127.0.9.1:7999 is not a peer of alpha in the topology`,
    ]);
    const stranger = file('gamma.json', { ...alpha, name: 'gamma', mspId: 'GammaMSP' });
    expect(problemsOf([file('a2.json', alpha), b, stranger])).toEqual([`${stranger}: org "gamma" is not a founder of channel donations in the topology (its founders: alpha, beta)`]);
  });

  test('the same MSP ID twice, the same org twice, a founder missing or no file at all: refused', () => {
    const a = file('a.json', definitionOf('alpha'));
    const again = file('again.json', definitionOf('alpha'));
    expect(problemsOf([a, again, file('b.json', definitionOf('beta'))])).toEqual([
      `${again}: MSP ID AlphaMSP is already defined by ${a}`,
      `${again}: org alpha is already defined by ${a}`,
    ]);
    expect(problemsOf([a])).toEqual(['no definition of org beta (BetaMSP), a founder of channel donations']);
    expect(problemsOf([])).toEqual(['none given (one --definition FILE per founding org)']);
  });

  test('each definition becomes an MSP folder for configtxgen (roots, NodeOU config) and its nodes\' certificate files', () => {
    const [alpha] = materialiseDefinitions([definitionOf('alpha')], dir);
    const msp = join(dir, 'AlphaMSP', 'msp');
    expect(alpha).toEqual({
      mspId: 'AlphaMSP', mspDir: msp, anchorPeers: [{ host: '127.0.9.1', port: 7251 }],
      consenters: [{ host: '127.0.9.1', port: 7255, identityFile: join(dir, 'AlphaMSP', 'orderers', 'orderer0', 'enrollment.pem'), tlsCertFile: join(dir, 'AlphaMSP', 'orderers', 'orderer0', 'tls.pem') }],
    });
    expect(readdirSync(msp).sort()).toEqual(['cacerts', 'config.yaml', 'tlscacerts']);
    expect(readFileSync(join(msp, 'config.yaml'), 'utf8')).toBe(nodeOuConfigYaml(NODE_OUS));
    expect(readFileSync(join(msp, 'cacerts', 'ca.pem'), 'utf8').trim()).toBe(cert('alpha'));
    expect(readFileSync(alpha!.consenters[0]!.tlsCertFile, 'utf8').trim()).toBe(cert('alpha-orderer-tls'));
  });

  test('a bad definition stops the genesis block before configtxgen runs: no block is written', () => {
    const configtxgen = jest.fn(() => '/nonexistent/configtxgen');
    const bins = { path: configtxgen } as unknown as FabricBinaries;
    const out = join(dir, 'genesis.block');
    const a = file('a.json', { ...definitionOf('alpha'), tlsRootCert: cert('beta') });
    expect(() => buildGenesisBlock(bins, t, [a, file('b.json', definitionOf('beta'))], out)).toThrow(DefinitionError);
    expect(() => buildGenesisBlock(bins, t, [file('bad.json', '{'), file('b.json', definitionOf('beta'))], out)).toThrow(/bad\.json is not a usable org definition/);
    expect(configtxgen).not.toHaveBeenCalled();
    expect(existsSync(out)).toBe(false);
  });
});
