// An org's public definition: what the other founders need to put the org in a channel's genesis
// block (its MSP: CA and TLS roots, NodeOUs; its anchor peers; its ordering nodes' endpoints and
// certificates; its site's address), as one JSON file a person could send. Nothing in it is
// secret. Each site exports its own from its own folder; whoever builds the genesis block reads
// only these files, and checks each strictly before anything is written.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NodeOus } from './ca';
import { RunPaths } from './paths';
import { firstPeer } from './nodes';
import { ordererId, sites, Topology } from './topology';

/** The definition format this code writes and reads; another version is refused, not guessed at. */
export const DEFINITION_VERSION = 1;

/** An ordering node as its org publishes it: where it listens and the certificates consenters are known by. */
export interface OrdererDefinition {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Its TLS certificate (server and client), issued by the org's TLS root: what a Raft consenter is. */
  readonly tlsCert: string;
  /** Its enrollment certificate (orderer OU), issued by the org's CA root: a BFT consenter's identity. */
  readonly enrollmentCert: string;
}

export interface OrgDefinition {
  readonly version: typeof DEFINITION_VERSION;
  /** The org's name in the topology (its site). */
  readonly name: string;
  readonly mspId: string;
  /** The loopback address its site listens on. */
  readonly host: string;
  readonly caRootCert: string;
  readonly tlsRootCert: string;
  readonly nodeOUs: NodeOus;
  /** Where the other orgs' peers find this org's (none for an orderer-only org). */
  readonly anchorPeers: readonly { readonly host: string; readonly port: number }[];
  readonly orderers: readonly OrdererDefinition[];
}

/** A definition that is malformed, or does not fit the network: every problem, so all are fixed in one go. */
export class DefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a usable org definition (nothing was changed):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DefinitionError';
  }
}

const FIELDS = ['version', 'name', 'mspId', 'host', 'caRootCert', 'tlsRootCert', 'nodeOUs', 'anchorPeers', 'orderers'] as const;
const NODE_OU_FIELDS = ['client', 'peer', 'admin', 'orderer'] as const;
const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const MSP_ID = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;
const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const OU = /^[A-Za-z0-9._-]{1,64}$/;
const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----$/;

/** Reads and checks a definition file; throws DefinitionError naming the file and every problem. */
export function readDefinition(file: string): OrgDefinition {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DefinitionError(file, [`cannot be read: ${(err as Error).message}`]);
  }
  return parseDefinition(text, file);
}

/** Checks a definition's JSON: its fields, its certificates and that they chain to its own roots. */
export function parseDefinition(text: string, source: string): OrgDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DefinitionError(source, [`not JSON: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  const check = new DefinitionChecker(problems);
  const top = check.object(raw, '', FIELDS);
  if ('version' in top && top.version !== DEFINITION_VERSION) {
    throw new DefinitionError(source, [`version: this tool reads version ${DEFINITION_VERSION}, got ${JSON.stringify(top.version)}`]);
  }
  const caRoot = check.rootCert(top.caRootCert, 'caRootCert');
  const tlsRoot = check.rootCert(top.tlsRootCert, 'tlsRootCert');
  const ous = check.object(top.nodeOUs, 'nodeOUs', NODE_OU_FIELDS);
  const definition: OrgDefinition = {
    version: DEFINITION_VERSION,
    name: check.matching(top.name, 'name', NAME, 'a lower-case org name'),
    mspId: check.matching(top.mspId, 'mspId', MSP_ID, 'an MSP ID'),
    host: check.matching(top.host, 'host', LOOPBACK, 'a loopback address like 127.0.2.1'),
    caRootCert: caRoot?.pem ?? '',
    tlsRootCert: tlsRoot?.pem ?? '',
    nodeOUs: {
      client: check.matching(ous.client, 'nodeOUs.client', OU, 'an OU identifier'),
      peer: check.matching(ous.peer, 'nodeOUs.peer', OU, 'an OU identifier'),
      admin: check.matching(ous.admin, 'nodeOUs.admin', OU, 'an OU identifier'),
      orderer: check.matching(ous.orderer, 'nodeOUs.orderer', OU, 'an OU identifier'),
    },
    anchorPeers: check.list(top.anchorPeers, 'anchorPeers', (p, at) => {
      const peer = check.object(p, at, ['host', 'port']);
      return { host: check.matching(peer.host, `${at}.host`, LOOPBACK, 'a loopback address'), port: check.port(peer.port, `${at}.port`) };
    }),
    orderers: check.list(top.orderers, 'orderers', (n, at) => {
      const node = check.object(n, at, ['name', 'host', 'port', 'tlsCert', 'enrollmentCert']);
      const name = check.matching(node.name, `${at}.name`, NAME, 'a lower-case node name');
      const host = check.matching(node.host, `${at}.host`, LOOPBACK, 'a loopback address');
      const tls = check.issuedCert(node.tlsCert, `${at}.tlsCert`, tlsRoot, 'tlsRootCert');
      const enrollment = check.issuedCert(node.enrollmentCert, `${at}.enrollmentCert`, caRoot, 'caRootCert');
      if (tls && host && tls.cert.checkIP(host) === undefined) problems.push(`${at}.tlsCert: does not name its node's address ${host} (subject alternative names: ${tls.cert.subjectAltName ?? 'none'})`);
      const ordererOu = typeof ous.orderer === 'string' ? ous.orderer : '';
      if (enrollment && ordererOu && !organizationalUnits(enrollment.cert).includes(ordererOu)) {
        problems.push(`${at}.enrollmentCert: has no OU "${ordererOu}" (nodeOUs.orderer), so the channel would not take it for an ordering node`);
      }
      return { name, host, port: check.port(node.port, `${at}.port`), tlsCert: tls?.pem ?? '', enrollmentCert: enrollment?.pem ?? '' };
    }),
  };
  if (definition.anchorPeers.length === 0 && definition.orderers.length === 0) problems.push('an org needs anchor peers, ordering nodes or both');
  if (new Set(definition.orderers.map((n) => n.name)).size !== definition.orderers.length) problems.push('orderers: two nodes with one name');
  if (problems.length > 0) throw new DefinitionError(source, problems);
  return definition;
}

/** The OU values of a certificate's subject (Fabric CA writes the NodeOU role there). */
const organizationalUnits = (cert: X509Certificate): string[] =>
  cert.subject.split('\n').filter((line) => line.startsWith('OU=')).map((line) => line.slice(3));

class DefinitionChecker {
  private readonly now = Date.now();

  constructor(private readonly problems: string[]) {}

  object(value: unknown, at: string, allowed: readonly string[]): Record<string, unknown> {
    if (value === undefined) return {}; // reported as missing
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push(`${at || 'the file'}: must be an object`);
      return {};
    }
    const fields = value as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!allowed.includes(key)) this.problems.push(`${at ? `${at}.` : ''}${key}: unknown field (allowed: ${allowed.join(', ')})`);
    }
    for (const key of allowed) if (!(key in fields)) this.problems.push(`${at ? `${at}.` : ''}${key}: missing`);
    return fields;
  }

  list<T>(value: unknown, at: string, each: (item: unknown, at: string) => T): T[] {
    if (!Array.isArray(value)) {
      if (value !== undefined) this.problems.push(`${at}: must be a list`);
      return [];
    }
    return value.map((item, i) => each(item, `${at}[${i}]`));
  }

  matching(value: unknown, at: string, pattern: RegExp, what: string): string {
    if (value === undefined) return ''; // reported as missing
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.problems.push(`${at}: must be ${what}, got ${JSON.stringify(value)}`);
      return '';
    }
    return value;
  }

  port(value: unknown, at: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
      this.problems.push(`${at}: must be a port number, got ${JSON.stringify(value)}`);
      return 0;
    }
    return value;
  }

  /** One PEM certificate, readable and in date; undefined (with a problem) otherwise. */
  cert(value: unknown, at: string): { pem: string; cert: X509Certificate } | undefined {
    if (value === undefined) return undefined; // reported as missing
    const pem = typeof value === 'string' ? value.trim() : '';
    if (!PEM_CERTIFICATE.test(pem)) {
      const secret = typeof value === 'string' && value.includes('PRIVATE KEY') ? ' (it holds a private key: never send one)' : '';
      this.problems.push(`${at}: must be one PEM certificate (-----BEGIN CERTIFICATE----- ...)${secret}`);
      return undefined;
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch (err) {
      this.problems.push(`${at}: not a readable X.509 certificate: ${(err as Error).message}`);
      return undefined;
    }
    if (Date.parse(cert.validTo) < this.now) this.problems.push(`${at}: expired on ${cert.validTo}`);
    return { pem, cert };
  }

  /** A self-signed CA certificate. */
  rootCert(value: unknown, at: string): { pem: string; cert: X509Certificate } | undefined {
    const root = this.cert(value, at);
    if (!root) return undefined;
    if (!root.cert.ca) this.problems.push(`${at}: not a CA certificate (basic constraints CA:FALSE)`);
    else if (!isIssuedBy(root.cert, root.cert)) this.problems.push(`${at}: not a root (not self-signed; issued by ${oneLine(root.cert.issuer)})`);
    return root;
  }

  /** A certificate issued by `root` (one of the definition's own roots, named `rootName`). */
  issuedCert(value: unknown, at: string, root: { cert: X509Certificate } | undefined, rootName: string): { pem: string; cert: X509Certificate } | undefined {
    const issued = this.cert(value, at);
    if (issued && root && !isIssuedBy(issued.cert, root.cert)) {
      this.problems.push(`${at}: not issued by this definition's ${rootName} (issuer: ${oneLine(issued.cert.issuer)}; ${rootName}: ${oneLine(root.cert.subject)})`);
    }
    return issued;
  }
}

/** Whether `issuer` issued `cert`: names match and its key verifies the signature. */
function isIssuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

const oneLine = (name: string): string => name.split('\n').join(', ');

/**
 * The definition of `orgName`'s site, from its own folder only: its channel MSP (CA and TLS roots,
 * NodeOU config) and its ordering nodes' public certificates; endpoints from the topology.
 */
export function exportDefinition(t: Topology, paths: RunPaths, orgName: string): OrgDefinition {
  const org = sites(t).find((o) => o.name === orgName);
  if (!org) throw new Error(`unknown org "${orgName}"; the topology has: ${sites(t).map((o) => o.name).join(', ')}`);
  const msp = paths.orgMsp(org.name);
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      throw new Error(`site ${org.name} has no ${what} (${file}): has "up" enrolled its identities yet?`);
    }
  };
  const member = t.orgs.find((o) => o.name === org.name);
  const definition: OrgDefinition = {
    version: DEFINITION_VERSION,
    name: org.name,
    mspId: org.mspId,
    host: org.host,
    caRootCert: read(join(msp, 'cacerts', 'ca.pem'), 'CA root certificate'),
    tlsRootCert: read(join(msp, 'tlscacerts', 'ca.pem'), 'TLS root certificate'),
    nodeOUs: nodeOusOf(read(join(msp, 'config.yaml'), 'NodeOU config'), join(msp, 'config.yaml')),
    anchorPeers: member ? [{ host: member.host, port: firstPeer(member).port }] : [],
    orderers: org.orderers.map((n) => {
      const id = ordererId(org, n);
      return {
        name: n.name,
        host: org.host,
        port: n.port,
        tlsCert: read(join(paths.tls(org.name, id), 'server.crt'), `TLS certificate of ${id}`),
        enrollmentCert: read(join(paths.msp(org.name, id), 'signcerts', 'cert.pem'), `enrollment certificate of ${id}`),
      };
    }),
  };
  // What a site exports must pass the same checks as what it receives.
  return parseDefinition(JSON.stringify(definition), `the definition exported from site ${org.name}`);
}

/** The OU identifiers of an MSP's config.yaml (which must enable NodeOUs). */
function nodeOusOf(yaml: string, file: string): NodeOus {
  const config = parse(yaml) as { NodeOUs?: Record<string, unknown> } | null;
  const nodeOus = config?.NodeOUs;
  if (nodeOus?.Enable !== true) throw new Error(`${file} does not enable NodeOUs`);
  const ou = (role: string): string => {
    const id = (nodeOus[`${role}OUIdentifier`] as { OrganizationalUnitIdentifier?: unknown } | undefined)?.OrganizationalUnitIdentifier;
    if (typeof id !== 'string') throw new Error(`${file} has no ${role}OUIdentifier`);
    return id;
  };
  return { client: ou('Client'), peer: ou('Peer'), admin: ou('Admin'), orderer: ou('Orderer') };
}

/** A definition as JSON, as `org export` writes it. */
export const definitionJson = (definition: OrgDefinition): string => `${JSON.stringify(definition, null, 2)}\n`;

/** A person's summary of a definition: who, where, which roots (subject, fingerprint, expiry), which nodes. */
export function describeDefinition(d: OrgDefinition): string {
  const cert = (pem: string): X509Certificate => new X509Certificate(pem);
  const about = (c: X509Certificate): string => `${oneLine(c.subject)}\n      SHA-256 ${c.fingerprint256}, valid until ${c.validTo}`;
  const lines = [
    `org ${d.name} (MSP ID ${d.mspId}), site address ${d.host}, definition version ${d.version}`,
    `  CA root:  ${about(cert(d.caRootCert))}`,
    `  TLS root: ${d.tlsRootCert === d.caRootCert ? 'the CA root' : about(cert(d.tlsRootCert))}`,
    `  NodeOUs:  client=${d.nodeOUs.client} peer=${d.nodeOUs.peer} admin=${d.nodeOUs.admin} orderer=${d.nodeOUs.orderer}`,
    `  anchor peers: ${d.anchorPeers.map((p) => `${p.host}:${p.port}`).join(', ') || 'none (an orderer-only org)'}`,
    `  ordering nodes:${d.orderers.length === 0 ? ' none' : ''}`,
    ...d.orderers.map((n) => `    ${n.name} at ${n.host}:${n.port}\n      TLS ${about(cert(n.tlsCert))}\n      enrollment ${about(cert(n.enrollmentCert))}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** How a definition differs from its org in the topology (name, MSP ID, address, nodes); [] when it fits. */
export function topologyMismatches(t: Topology, d: OrgDefinition): string[] {
  const site = sites(t).find((o) => o.name === d.name);
  if (!site) return [`org "${d.name}" is not a founder of channel ${t.channel} in the topology (its founders: ${sites(t).map((o) => o.name).join(', ')})`];
  const problems: string[] = [];
  if (site.mspId !== d.mspId) problems.push(`mspId: ${d.mspId}, but the topology's org ${d.name} has ${site.mspId}`);
  if (site.host !== d.host) problems.push(`host: ${d.host}, but the topology's org ${d.name} is at ${site.host}`);
  const endpoints = (nodes: readonly { name: string; host: string; port: number }[]): string => nodes.map((n) => `${n.name}@${n.host}:${n.port}`).join(', ') || 'none';
  const expected = endpoints(site.orderers.map((n) => ({ name: n.name, host: site.host, port: n.port })));
  if (endpoints(d.orderers) !== expected) problems.push(`orderers: ${endpoints(d.orderers)}, but the topology has ${expected}`);
  const member = t.orgs.find((o) => o.name === d.name);
  const peers = new Set((member?.peers ?? []).map((p) => `${site.host}:${p.port}`));
  for (const p of d.anchorPeers) if (!peers.has(`${p.host}:${p.port}`)) problems.push(`anchorPeers: ${p.host}:${p.port} is not a peer of ${d.name} in the topology`);
  if (member && d.anchorPeers.length === 0) problems.push(`anchorPeers: a member org needs at least one (the other orgs find its peers through it)`);
  return problems;
}
