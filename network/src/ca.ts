// One Fabric CA per org, with TLS on. Every identity of the network (peers, orderers, the org
// admin, client users with attributes, the chaincode server's TLS identity) is registered and
// enrolled here, then laid out in fixed file names so no other module has to guess them.
// Where sites have Unix users of their own, the CA and every fabric-ca-client command of an org
// run as its site's user, in its folder: a site's keys are made by the site, never by root.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { asSite, SiteAdmin, siteAdmin } from './site-users';
import { CommandError, log, retry } from './exec';
import { RunPaths } from './paths';
import { recordSpec, start, runningPid } from './processes';
import { release } from './supervisor';
import { caId, CaConfig, hostOf, Topology } from './topology';
import { httpGetStatus } from './health';
import { FabricBinaries } from './fabric-bin';

export type IdentityType = 'peer' | 'orderer' | 'admin' | 'client';

export interface IdentityRequest {
  readonly name: string;
  readonly type: IdentityType;
  readonly attrs?: Readonly<Record<string, string>>;
  /** Also enroll a TLS certificate (server + client auth) valid for the network's host. */
  readonly tls: boolean;
  /** Enroll an enrollment certificate (MSP); false for TLS-only identities. */
  readonly msp?: boolean;
  /**
   * Makes it a registrar that may register client identities only, carrying these attributes
   * only (Fabric CA's hf.Registrar.Roles / hf.Registrar.Attributes), and revoke nothing.
   */
  readonly registrarOf?: readonly string[];
}

interface OrgSecrets {
  caAdmin: string;
  identities: Record<string, string>;
}

const CA_ADMIN = 'admin';
export const ORG_ADMIN = 'orgadmin';
export const CHAINCODE_TLS_IDENTITY = 'ccaas';
/** The identity an org's API registers its users with: never the CA's bootstrap admin. */
export const API_REGISTRAR = 'registrar';
/** A client identity with no role: the indexer reads blocks with it, never as an admin. */
export const READER = 'reader';

export class OrgCa {
  private siteAdmin: SiteAdmin | undefined;

  constructor(
    private readonly bins: FabricBinaries,
    private readonly paths: RunPaths,
    private readonly topology: Topology,
    readonly orgName: string,
    private readonly ca: CaConfig,
  ) {}

  /** The address of the org's site: the CA and every certificate it issues for TLS name it. */
  private get host(): string {
    return hostOf(this.topology, this.ca.port);
  }

  private get url(): string {
    return `https://${this.host}:${this.ca.port}`;
  }

  private get caName(): string {
    return `ca-${this.orgName}`;
  }

  /** The org's site, whose user makes the CA's keys and enrolls (see site-users.ts siteAdmin). */
  private get site(): SiteAdmin {
    this.siteAdmin ??= siteAdmin(this.paths, this.orgName, this.bins.path('fabric-ca-client'));
    return this.siteAdmin;
  }

  /** Starts the CA unless it already runs, and waits until it answers. */
  async start(): Promise<void> {
    const id = caId(this.orgName);
    const pidFile = this.paths.pid(id);
    const home = this.paths.caHome(this.orgName);
    const identityFlags = ['--ca.name', this.caName, '--csr.cn', id, '--csr.hosts', `${this.host},localhost`, '--tls.enabled'];
    if (!existsSync(join(home, 'fabric-ca-server-config.yaml'))) {
      // The bootstrap admin goes in with `init`, whose output is not kept: `start -b` would
      // print the password in its log (it dumps its configuration) and show it in `ps`.
      mkdirSync(home, { recursive: true, mode: 0o700 });
      this.site.own(home);
      // The bootstrap credentials go in the environment (FABRIC_CA_SERVER_BOOT), not argv: `ps`
      // shows every process's arguments to every user of the machine. Run as the site's user,
      // which writes the CA's own key.
      this.site.run(this.bins.path('fabric-ca-server'), ['init', '--home', home, ...identityFlags], {
        step: `initialise ${id}`, env: { FABRIC_CA_SERVER_BOOT: `${CA_ADMIN}:${this.secrets().caAdmin}` },
      });
      chmodSync(join(home, 'fabric-ca-server-config.yaml'), 0o600); // it keeps the bootstrap password
    }
    const spec = asSite(this.paths, this.orgName, {
      id,
      command: this.bins.path('fabric-ca-server'),
      args: [
        'start', '--home', home, '--address', this.host, '--port', String(this.ca.port),
        '--operations.listenaddress', `${this.host}:${this.ca.operationsPort}`, ...identityFlags,
      ],
      env: {},
      logFile: this.paths.log(id),
      pidFile,
      specFile: this.paths.spec(id),
    });
    if (runningPid(pidFile) !== undefined) recordSpec(spec);
    else {
      start(spec);
      log(`started ${id} on ${this.url}`);
    }
    // Released (from a stop on purpose) only once its PID file names the running process: released
    // earlier, the supervisor could start a second copy meanwhile, whose PID file would win while
    // the first kept the ports (seen in a restore: "bind: address already in use", CA not healthy).
    release(this.paths, id);
    await retry(20_000, 200, async () => {
      if (runningPid(pidFile) === undefined) {
        throw new Error(`${id} exited during start; see ${this.paths.log(id)}`);
      }
      const status = await httpGetStatus(`http://${this.host}:${this.ca.operationsPort}/healthz`);
      if (status !== 200 || !existsSync(this.paths.caCert(this.orgName))) throw new Error(`${id} is not ready yet`);
    });
  }

  /** Writes the org's channel MSP: its CA as root and TLS root, with NodeOUs. */
  writeOrgMsp(): void {
    const msp = this.paths.orgMsp(this.orgName);
    for (const dir of ['cacerts', 'tlscacerts']) {
      mkdirSync(join(msp, dir), { recursive: true });
      copyFileSync(this.paths.caCert(this.orgName), join(msp, dir, 'ca.pem'));
    }
    writeNodeOuConfig(msp);
    this.site.own(msp);
  }

  /**
   * Registers (if needed) and enrolls (if not done yet) each identity, one after the other (one
   * CA, one database); different orgs' CAs can enroll side by side.
   */
  async enroll(identities: readonly IdentityRequest[]): Promise<void> {
    await this.enrollCaAdmin();
    for (const identity of identities) {
      const dir = this.paths.identity(this.orgName, identity.name);
      const wantMsp = identity.msp ?? true;
      const done = (!wantMsp || existsSync(join(dir, 'msp', 'signcerts', 'cert.pem'))) &&
        (!identity.tls || existsSync(join(dir, 'tls', 'server.crt')));
      if (done) continue;
      const secret = await this.register(identity);
      if (wantMsp) await this.enrollInto(identity.name, secret, join(dir, 'msp'), false);
      if (identity.tls) await this.enrollInto(identity.name, secret, join(dir, 'tls'), true);
      log(`enrolled ${identity.name} (${identity.type}) with ${caId(this.orgName)}`);
    }
  }

  private async enrollCaAdmin(): Promise<void> {
    const home = this.paths.caClientHome(this.orgName);
    if (existsSync(join(home, 'msp', 'signcerts', 'cert.pem'))) return;
    const { caAdmin } = this.secrets();
    await this.caClient(['enroll', '-H', home], `enroll the bootstrap admin of ${caId(this.orgName)}`, { FABRIC_CA_CLIENT_URL: this.urlWith(CA_ADMIN, caAdmin) });
  }

  private async register(identity: IdentityRequest): Promise<string> {
    const secrets = this.secrets();
    let secret = secrets.identities[identity.name];
    if (secret === undefined) {
      secret = newSecret();
      secrets.identities[identity.name] = secret;
      this.saveSecrets(secrets);
    }
    const attrs = Object.entries(identity.attrs ?? {}).map(([k, v]) => `${k}=${v}:ecert`);
    const args = [
      'register', '-H', this.paths.caClientHome(this.orgName), '-u', this.url,
      '--id.name', identity.name, '--id.type', identity.type,
    ];
    if (identity.registrarOf) {
      // Quoted: the values hold commas (fabric-ca-client reads the list as CSV).
      attrs.push('"hf.Registrar.Roles=client"', `"hf.Registrar.Attributes=${identity.registrarOf.join(',')}"`, 'hf.Revoker=false');
    }
    if (attrs.length > 0) args.push('--id.attrs', attrs.join(','));
    try {
      await this.caClient(args, `register ${identity.name} with ${caId(this.orgName)}`, { FABRIC_CA_CLIENT_ID_SECRET: secret });
    } catch (err) {
      // Registration is not idempotent in Fabric CA; a second `up` finds the identity there.
      if (!(err instanceof CommandError && /already registered/i.test(err.output))) throw err;
    }
    return secret;
  }

  private async enrollInto(name: string, secret: string, target: string, tls: boolean): Promise<void> {
    const scratch = `${target}.enrolling`;
    rmSync(scratch, { recursive: true, force: true });
    const args = ['enroll', '-M', scratch, '--csr.cn', name];
    if (tls) args.push('--enrollment.profile', 'tls', '--csr.hosts', `${this.host},localhost,${name}`);
    await this.caClient(args, `enroll ${tls ? 'a TLS certificate for ' : ''}${name} with ${caId(this.orgName)}`, { FABRIC_CA_CLIENT_URL: this.urlWith(name, secret) });
    rmSync(target, { recursive: true, force: true });
    // Moved, not copied: the key stays the file the site's user wrote; only the new folders are root's until handed over.
    if (tls) layOutTls(scratch, target);
    else layOutMsp(scratch, target);
    this.site.own(target);
    rmSync(scratch, { recursive: true, force: true });
  }

  /**
   * Runs fabric-ca-client. Secrets (a URL with credentials, a registered identity's secret) go in
   * `secretEnv`, which fabric-ca-client reads as its url / id.secret settings: never in argv,
   * which `ps` shows to every user of the machine. Runs as the site's user, which writes the keys.
   */
  private async caClient(args: string[], step: string, secretEnv: Record<string, string> = {}): Promise<void> {
    await this.site.runAsync(this.bins.path('fabric-ca-client'), [...args, '--caname', this.caName, '--tls.certfiles', this.paths.caCert(this.orgName)], {
      step,
      env: { FABRIC_CA_CLIENT_HOME: this.paths.caClientHome(this.orgName), ...secretEnv },
    });
  }

  private urlWith(user: string, secret: string): string {
    return `https://${user}:${secret}@${this.host}:${this.ca.port}`;
  }

  private secrets(): OrgSecrets {
    const file = this.paths.secrets(this.orgName);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as OrgSecrets;
    const secrets: OrgSecrets = { caAdmin: newSecret(), identities: {} };
    this.saveSecrets(secrets);
    return secrets;
  }

  private saveSecrets(secrets: OrgSecrets): void {
    const file = this.paths.secrets(this.orgName);
    mkdirSync(this.paths.org(this.orgName), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    this.site.own(file);
  }
}

function newSecret(): string {
  return randomBytes(18).toString('base64url');
}

function onlyFile(dir: string): string {
  const files = readdirSync(dir);
  if (files.length !== 1 || files[0] === undefined) throw new Error(`expected exactly one file in ${dir}, found ${files.length}`);
  return join(dir, files[0]);
}

/** msp/{cacerts/ca.pem, signcerts/cert.pem, keystore/key.pem, config.yaml} */
function layOutMsp(from: string, to: string): void {
  mkdirSync(join(to, 'cacerts'), { recursive: true });
  mkdirSync(join(to, 'signcerts'), { recursive: true });
  mkdirSync(join(to, 'keystore'), { recursive: true });
  renameSync(onlyFile(join(from, 'cacerts')), join(to, 'cacerts', 'ca.pem'));
  renameSync(join(from, 'signcerts', 'cert.pem'), join(to, 'signcerts', 'cert.pem'));
  renameSync(onlyFile(join(from, 'keystore')), join(to, 'keystore', 'key.pem'));
  chmodSync(join(to, 'keystore', 'key.pem'), 0o600);
  writeNodeOuConfig(to);
}

/** tls/{server.crt, server.key, ca.crt} */
function layOutTls(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  renameSync(join(from, 'signcerts', 'cert.pem'), join(to, 'server.crt'));
  renameSync(onlyFile(join(from, 'keystore')), join(to, 'server.key'));
  renameSync(onlyFile(join(from, 'tlscacerts')), join(to, 'ca.crt'));
  chmodSync(join(to, 'server.key'), 0o600);
}

/** The OU identifiers NodeOUs read from a certificate to tell its holder's role apart. */
export interface NodeOus {
  readonly client: string;
  readonly peer: string;
  readonly admin: string;
  readonly orderer: string;
}

/** What this CA writes into every certificate it issues, by the identity's type. */
export const NODE_OUS: NodeOus = { client: 'client', peer: 'peer', admin: 'admin', orderer: 'orderer' };

/** An MSP's config.yaml: NodeOUs on, each role's OU identifier, all under the MSP's CA root (cacerts/ca.pem). */
export function nodeOuConfigYaml(ous: NodeOus): string {
  const ou = (name: string, id: string): string => `  ${name}OUIdentifier:\n    Certificate: cacerts/ca.pem\n    OrganizationalUnitIdentifier: ${id}\n`;
  return `NodeOUs:\n  Enable: true\n${ou('Client', ous.client)}${ou('Peer', ous.peer)}${ou('Admin', ous.admin)}${ou('Orderer', ous.orderer)}`;
}

/** NodeOUs let the MSP tell peers, orderers, admins and clients apart by their certificate's OU. */
function writeNodeOuConfig(mspDir: string): void {
  writeFileSync(join(mspDir, 'config.yaml'), nodeOuConfigYaml(NODE_OUS));
}
