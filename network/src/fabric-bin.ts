// Finds the Fabric binaries: scripts/install-fabric.sh builds them once per release (or finds
// them on PATH) and says where they are. Releases sit side by side in its cache, so a network
// can run one release and be upgraded to another node by node (upgrade.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { INSTALL_FABRIC_SCRIPT } from './paths';

export class FabricBinaries {
  constructor(readonly binDir: string) {}

  path(command: string): string {
    return join(this.binDir, command);
  }

  /** Fabric's own sample config (core.yaml, orderer.yaml) that the install script keeps beside bin/. */
  get sampleConfigDir(): string {
    return join(dirname(this.binDir), 'config');
  }
}

/** The command that installs a release, for messages that tell the operator what to run. */
export const installCommand = (release: string): string => `FABRIC_RELEASE=${release} bash scripts/install-fabric.sh`;

/**
 * The binaries of a network: the named release (built when missing), else those the network in
 * `rememberIn`'s run folder already runs, else the install script's preferred release. A network
 * keeps its binaries until `upgrade` changes them, whatever the script would prefer today.
 */
export function ensureFabricBinaries(rememberIn: string, release?: string): FabricBinaries {
  if (release === undefined) {
    const known = knownFabricBinaries(rememberIn);
    if (known) return known;
  }
  const result = spawnSync('bash', [INSTALL_FABRIC_SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: releaseEnv(release),
  });
  if (result.status !== 0) throw new Error(`Fabric ${release ?? ''} binaries are not available (see the install-fabric output above)`);
  const binDir = lastLine(result.stdout);
  rememberBinaries(rememberIn, binDir);
  return new FabricBinaries(binDir);
}

/** Records which binaries the network of a run folder runs (what later commands use). */
export function rememberBinaries(rememberIn: string, binDir: string): void {
  mkdirSync(dirname(rememberIn), { recursive: true });
  writeFileSync(rememberIn, `${binDir}\n`);
}

/** The binaries a previous `up` used, without building anything (for down/status/env). */
export function knownFabricBinaries(rememberedIn: string): FabricBinaries | undefined {
  if (!existsSync(rememberedIn)) return undefined;
  const binDir = readFileSync(rememberedIn, 'utf8').trim();
  return existsSync(join(binDir, 'peer')) ? new FabricBinaries(binDir) : undefined;
}

/** Why an installed release could not be found: the script does not know it, or it is not built yet. */
export type MissingRelease = { readonly reason: 'unknown' | 'not-installed'; readonly message: string };

/** The binaries of a release if they are installed; builds nothing. */
export function installedFabricBinaries(release: string): FabricBinaries | MissingRelease {
  const result = spawnSync('bash', [INSTALL_FABRIC_SCRIPT, '--print-bin-dir'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: releaseEnv(release) });
  if (result.status === 0) return new FabricBinaries(lastLine(result.stdout));
  // The script's own words say which releases it knows; exit 2 = unknown release, 3 = not built.
  const said = (result.stderr ?? '').trim().split('\n').pop()?.replace(/^\[install-fabric\] (ERROR: )?/, '') ?? '';
  return result.status === 2
    ? { reason: 'unknown', message: said || `Fabric ${release} is not a release scripts/install-fabric.sh builds` }
    : { reason: 'not-installed', message: `Fabric ${release} is not installed; install it with: ${installCommand(release)}` };
}

/** The version a Fabric binary reports (`peer version`, `orderer version`), such as "3.1.1". */
export function binaryVersion(binary: string): string {
  const result = spawnSync(binary, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const version = parseVersionOutput(result.stdout ?? '');
  if (result.status !== 0 || version === undefined) throw new Error(`${binary} version did not say its version: ${(result.stderr ?? '').trim().slice(0, 200)}`);
  return version;
}

/** The "Version:" line of a Fabric command's `version` output, without a leading "v". */
export function parseVersionOutput(output: string): string | undefined {
  return /^\s*Version:\s*v?(\S+)\s*$/m.exec(output)?.[1];
}

/**
 * Orders two Fabric release versions ("3.1.0" < "3.1.1" < "3.10.0"): negative, zero or positive.
 * Throws on anything that is not MAJOR.MINOR.PATCH, since guessing could allow a downgrade.
 */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function parts(version: string): number[] {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`"${version}" is not a Fabric release version (MAJOR.MINOR.PATCH)`);
  return match.slice(1).map(Number);
}

const releaseEnv = (release: string | undefined): NodeJS.ProcessEnv => (release === undefined ? process.env : { ...process.env, FABRIC_RELEASE: release });

const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';
