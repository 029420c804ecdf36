// Each site's processes (its CA, orderers, peers and chaincode servers) run as a Unix user of its
// own, so that one site's process cannot read another site's keys, secrets or ledgers: the files
// are 0600 in 0700 folders (umask 077) owned by the site's user. Brought up as root (as CI runs),
// the network creates the users (ledger-<org>) and hands each site its folders; as anyone else,
// every site runs as that one user, in separate folders, and `up` says so. So does root when a
// site's user could not reach the programs it runs (a repository under a 0700 home folder).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { log, run, runAsync, RunOptions } from './exec';
import { REPO_ROOT, RunPaths } from './paths';
import { StartSpec } from './processes';

export interface SiteUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * The Unix user of an org's site: `ledger-<org>`. Linux user names have at most 32 characters and
 * org names up to 31, so a long name keeps its start and gets a short hash of the whole name.
 */
export function siteUserName(orgName: string): string {
  const name = `ledger-${orgName}`;
  return name.length <= 32 ? name : `${name.slice(0, 25)}-${createHash('sha256').update(orgName).digest('hex').slice(0, 6)}`;
}

/** Only root may create users and start processes as them. */
const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * What every site process needs to reach: the folder holding the run folder (which is opened
 * here), the repository (chaincode, builders, node_modules) and its program.
 */
const neededBy = (paths: RunPaths, command: string): string[] => [dirname(paths.root), REPO_ROOT, command];

const known = new Map<string, SiteUser>();

/** The site's user, created (a system user without a login or home) on first use. */
export function siteUser(orgName: string): SiteUser {
  const name = siteUserName(orgName);
  const cached = known.get(name);
  if (cached) return cached;
  let user = lookUp(name);
  if (!user) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', name], { encoding: 'utf8' });
    // 9: made meanwhile by another network being brought up on this machine.
    if (made.status !== 0 && made.status !== 9) throw new Error(`could not create the Unix user ${name} for site ${orgName}: ${made.stderr.trim() || `useradd exited ${String(made.status)}`}`);
    user = lookUp(name);
    if (!user) throw new Error(`useradd made no user ${name}`);
    log(`created Unix user ${name} (uid ${user.uid}) for site ${orgName}`);
  }
  known.set(name, user);
  return user;
}

function lookUp(name: string): SiteUser | undefined {
  const entry = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (entry.status !== 0) return undefined;
  const [, , uid, gid] = entry.stdout.trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * Hands a site's folder (keys, CA, chaincode packages, profile, API data) and its nodes' data
 * folders to the site's user, and makes the run folder traversable (not listable) so that the
 * user can reach them. Returns that user; undefined where sites have no users of their own (not
 * root, or `command`, the program to run, out of a site user's reach).
 */
export function handOverSite(paths: RunPaths, orgName: string, dataDirs: readonly string[] = [], command = process.execPath): SiteUser | undefined {
  if (!isRoot() || unreachableBySites(neededBy(paths, command)).length > 0) return undefined;
  const user = siteUser(orgName);
  openForTraversal(paths);
  for (const dir of [paths.org(orgName), ...dataDirs]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownTree(dir, user);
  }
  return user;
}

/** A site process's start spec, to run as the site's user (after handing it its folders). */
export function asSite(paths: RunPaths, orgName: string, spec: StartSpec, dataDirs: readonly string[] = []): StartSpec {
  const user = handOverSite(paths, orgName, dataDirs, spec.command);
  return user ? { ...spec, user: { uid: user.uid, gid: user.gid } } : spec;
}

/**
 * An org's admin at its own site: how the Fabric tools that use the org's admin key (peer,
 * osnadmin) or make the site's keys (fabric-ca-client, the CA's init: ca.ts) are run. Where sites have users of their own, every command runs as the site's user,
 * so the admin key is only ever read by a process of that site (root could read it, and does not);
 * elsewhere as the caller, as the nodes do. Files cross through the site's admin-work folder.
 */
export interface SiteAdmin {
  readonly org: string;
  /** The Unix user its commands run as; undefined where sites have no users of their own. */
  readonly user: SiteUser | undefined;
  /** The site's admin-work folder (RunPaths.adminWork). */
  readonly workDir: string;
  /** A copy of `file` in the admin-work folder, owned by the site's user, for its commands to read or rewrite. */
  give(file: string, name?: string): string;
  /** Gives `file` for `use` (sync or async) and removes the copy once it is done. */
  lend<T>(file: string, use: (copy: string) => T): T;
  /** Hands `path` (a file or folder tree root made in the site's folder) to the site's user, so its processes may use it. */
  own(path: string): void;
  /** Runs `command` as the site's admin (in the admin-work folder unless told otherwise); its stdout. */
  run(command: string, args: readonly string[], options: Omit<RunOptions, 'user'>): string;
  /** `run` without blocking, so that several sites' commands can run side by side. */
  runAsync(command: string, args: readonly string[], options: Omit<RunOptions, 'user'>): Promise<string>;
}

/** The sites handed over in this process: once each, since that walks the whole site folder. */
const handedOver = new Map<string, SiteUser | undefined>();

/** The admin of `orgName`'s site, to run `command` (a Fabric tool) with (see SiteAdmin). */
export function siteAdmin(paths: RunPaths, orgName: string, command: string): SiteAdmin {
  const key = `${paths.root}\0${orgName}`;
  if (!handedOver.has(key)) handedOver.set(key, handOverSite(paths, orgName, [], command));
  const user = handedOver.get(key);
  const workDir = paths.adminWork(orgName);
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  const own = (path: string): void => {
    if (user) chownSync(path, user.uid, user.gid);
  };
  own(workDir);
  return {
    org: orgName,
    user,
    workDir,
    give(file, name = basename(file)) {
      const copy = join(workDir, name);
      copyFileSync(file, copy);
      own(copy);
      return copy;
    },
    own(path) {
      if (user) chownTree(path, user);
    },
    lend(file, use) {
      const copy = this.give(file);
      const done = (): void => rmSync(copy, { force: true });
      let result;
      try {
        result = use(copy);
      } catch (err) {
        done();
        throw err;
      }
      if (result instanceof Promise) return result.finally(done) as typeof result;
      done();
      return result;
    },
    run: (cmd, args, options) => run(cmd, args, { cwd: workDir, ...options, ...(user ? { user: { uid: user.uid, gid: user.gid } } : {}) }),
    runAsync: (cmd, args, options) => runAsync(cmd, args, { cwd: workDir, ...options, ...(user ? { user: { uid: user.uid, gid: user.gid } } : {}) }),
  };
}

/**
 * The run folder and the folders that hold the sites' folders may be passed through by anyone
 * (0711: no listing); the node config (Fabric's sample config, no secrets) may be read.
 */
function openForTraversal(paths: RunPaths): void {
  for (const dir of [paths.root, dirname(paths.org('x')), dirname(paths.nodeData('x'))]) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o711);
  }
  chmodSync(paths.config, 0o755);
  for (const file of readdirSync(paths.config)) chmodSync(join(paths.config, file), 0o644);
}

function chownTree(path: string, user: SiteUser): void {
  const stat = lstatSync(path);
  if (stat.uid !== user.uid || stat.gid !== user.gid) chownSync(path, user.uid, user.gid);
  if (stat.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), user);
}

/**
 * What a site's user cannot reach: a folder on the way to the Fabric binaries, the repository
 * (chaincode, builders) or the run folder that other users may not pass through (a 0700 home).
 */
export function unreachableBySites(paths: readonly string[]): string[] {
  return paths.filter((path) => {
    for (let dir = path; ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return true;
      if (dirname(dir) === dir) return false;
    }
  });
}

/** Says, once per `up`, how the sites are separated here. */
export function explainSiteUsers(paths: RunPaths, fabricBinary: string): void {
  if (!isRoot()) {
    log('WARNING: not running as root, so every site runs as this user, in folders of its own; run as root to give each site a Unix user of its own');
    return;
  }
  const blocked = unreachableBySites([...neededBy(paths, fabricBinary), process.execPath]);
  if (blocked.length > 0) {
    log(
      `WARNING: every site runs as root: a site's own Unix user could not reach ${blocked.join(', ')} (a folder on the way is closed to other ` +
        'users, such as a 0700 home folder). Keep the repository, the run folder and the Fabric binaries (DONATION_LEDGER_CACHE) where others may pass.',
    );
  } else {
    log('each site runs as a Unix user of its own (ledger-<org>), owning its folder');
  }
}
