// Where the generated network lives. Everything `up` creates is under one run directory, so
// `clean` is one removal and two networks (the product's and the test suite's) never mix.
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { profilePath } from '@donation-ledger/client';

/** The repository root (this file is network/src/paths.ts or network/dist/paths.js). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_TOPOLOGY = join(REPO_ROOT, 'network', 'topology.json');
export const DEFAULT_RUN_DIR = join(REPO_ROOT, 'network', 'run');
export const BUILDERS_DIR = join(REPO_ROOT, 'network', 'builders');
export const INSTALL_FABRIC_SCRIPT = join(REPO_ROOT, 'scripts', 'install-fabric.sh');

export class RunPaths {
  constructor(readonly root: string) {}

  get config(): string { return join(this.root, 'config'); }
  get channelDir(): string { return join(this.root, 'channel'); }
  get logs(): string { return join(this.root, 'logs'); }
  get pids(): string { return join(this.root, 'pids'); }
  get binDirFile(): string { return join(this.root, 'fabric-bin-dir'); }
  /** How each node was started, so the supervisor can start it again the same way. */
  get specs(): string { return join(this.root, 'specs'); }
  spec(id: string): string { return join(this.specs, `${id}.json`); }
  /** A node stopped on purpose (`stop <node>`), which the supervisor leaves alone until `up`. */
  held(id: string): string { return join(this.root, 'held', id); }
  get supervisorPid(): string { return join(this.root, 'supervisor.pid'); }
  get restarts(): string { return join(this.root, 'restarts.json'); }
  /** The topology file and port offset `up` used (see readLaunch). */
  get launch(): string { return join(this.root, 'launch.json'); }
  /** Orgs added and removed by governance since the network was created (see members.ts). */
  get membership(): string { return join(this.root, 'membership.json'); }
  /** Work files of channel config updates (config blocks, JSON, signed envelopes). */
  configUpdate(name: string): string { return join(this.channelDir, 'updates', name); }

  org(org: string): string { return join(this.root, 'orgs', org); }
  /** The org's MSP as the channel sees it (CA certs + NodeOU config), used by configtxgen. */
  orgMsp(org: string): string { return join(this.org(org), 'msp'); }
  caHome(org: string): string { return join(this.org(org), 'ca'); }
  caCert(org: string): string { return join(this.caHome(org), 'ca-cert.pem'); }
  caClientHome(org: string): string { return join(this.org(org), 'ca-client'); }
  secrets(org: string): string { return join(this.org(org), 'secrets.json'); }
  /** The org's connection profile, what its applications read (profiles.ts). */
  profile(org: string, channel?: string): string { return profilePath(org, this.root, channel); }
  /** The site's copy of another member's TLS root certificate (a public artifact), for its profile. */
  memberTlsRoot(org: string, member: string): string { return join(this.org(org), 'members', `${member}.tls-ca.pem`); }
  /** The API registrar's enrollment secret alone, named by the profile (0600). */
  registrarSecret(org: string): string { return join(this.org(org), 'registrar.secret'); }
  /** The org's API data (accounts database, read model) by default. */
  apiData(org: string): string { return join(this.org(org), 'api'); }
  /**
   * The site's folder for its admin's commands (peer, osnadmin, run as the site's user): files go
   * in as copies the site owns (an update to sign, a block to join with) and come out from there
   * (a fetched config block, a signed envelope). The site's own, 0700.
   */
  adminWork(org: string): string { return join(this.org(org), 'admin-work'); }
  /** A node or user: its `msp/` (enrollment certificate) and `tls/` (server.crt, server.key, ca.crt). */
  identity(org: string, name: string): string { return join(this.org(org), 'identities', name); }
  msp(org: string, name: string): string { return join(this.identity(org, name), 'msp'); }
  tls(org: string, name: string): string { return join(this.identity(org, name), 'tls'); }
  nodeData(id: string): string { return join(this.root, 'data', id); }
  chaincode(org: string): string { return join(this.org(org), 'chaincode'); }
  log(id: string): string { return join(this.logs, `${id}.log`); }
  pid(id: string): string { return join(this.pids, `${id}.pid`); }
  channelBlock(channel: string): string { return join(this.channelDir, `${channel}.block`); }
  /**
   * The public exchange folder: what crosses between sites at founding (each org's definition,
   * the genesis block built from them), readable by every site's user. Nothing secret.
   */
  get publicDir(): string { return join(this.root, 'public'); }
  publicDefinition(org: string): string { return join(this.publicDir, `${org}.definition.json`); }
  publicGenesisBlock(channel: string): string { return join(this.publicDir, `${channel}.genesis.block`); }
}

/**
 * The TLS root certificate of `member` as `site` reads it: its own CA's where it is its own, else
 * its copy of the other org's (a public artifact, copied into the site's folder as a person would
 * send it). A site reads only its own folder.
 */
export function tlsRootFor(paths: RunPaths, site: string, member: string): string {
  if (member === site) return paths.caCert(site);
  const copy = paths.memberTlsRoot(site, member);
  mkdirSync(dirname(copy), { recursive: true });
  copyFileSync(paths.caCert(member), copy);
  // Made by root, the copy and its folder go to the site's user (who owns the site's folder), whose commands read it.
  if (process.getuid?.() === 0) {
    const owner = statSync(paths.org(site));
    for (const made of [dirname(copy), copy]) chownSync(made, owner.uid, owner.gid);
  }
  return copy;
}

/** What a network was brought up from: later commands default to it, so they need only --run-dir. */
export interface Launch {
  readonly topology: string;
  readonly portOffset: number;
  /** The Fabric release its nodes run (`up --fabric`, then `upgrade --to`); absent: the install script's preferred one. */
  readonly fabric?: string;
}

export function readLaunch(paths: RunPaths): Launch | undefined {
  if (!existsSync(paths.launch)) return undefined;
  const raw = JSON.parse(readFileSync(paths.launch, 'utf8')) as Partial<Launch>;
  if (typeof raw.topology !== 'string' || typeof raw.portOffset !== 'number' || !['string', 'undefined'].includes(typeof raw.fabric)) {
    throw new Error(`${paths.launch} is not a launch record: remove it, or pass --topology and --port-offset`);
  }
  return { topology: raw.topology, portOffset: raw.portOffset, ...(raw.fabric === undefined ? {} : { fabric: raw.fabric }) };
}

export function writeLaunch(paths: RunPaths, launch: Launch): void {
  createRunFolder(paths.root);
  writeFileSync(paths.launch, `${JSON.stringify(launch, null, 2)}\n`);
}

/**
 * Creates the run folder (0700). The folders on the way to it must let each site's Unix user pass
 * (see site-users.ts): those created here are made 0755 (the umask of 077 would close them), and
 * this repository's own folders on the way (test-artifacts/ made by an earlier run) get o+x.
 */
export function createRunFolder(root: string): void {
  const missing: string[] = [];
  for (let dir = dirname(root); !existsSync(dir); dir = dirname(dir)) missing.push(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const dir of missing) chmodSync(dir, 0o755);
  for (let dir = dirname(root); isInside(REPO_ROOT, dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o011);
  }
}

const isInside = (parent: string, child: string): boolean => {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};
