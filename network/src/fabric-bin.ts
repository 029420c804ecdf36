// Finds the Fabric binaries: scripts/install-fabric.sh builds them once (or finds them on PATH)
// and says where they are.
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

/** Runs the install script (fast when the binaries are cached) and remembers the answer. */
export function ensureFabricBinaries(rememberIn: string): FabricBinaries {
  const result = spawnSync('bash', [INSTALL_FABRIC_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error('Fabric binaries are not available (see the install-fabric output above)');
  const binDir = result.stdout.trim().split('\n').pop() ?? '';
  mkdirSync(dirname(rememberIn), { recursive: true });
  writeFileSync(rememberIn, `${binDir}\n`);
  return new FabricBinaries(binDir);
}

/** The binaries a previous `up` used, without building anything (for down/status/env). */
export function knownFabricBinaries(rememberedIn: string): FabricBinaries | undefined {
  if (!existsSync(rememberedIn)) return undefined;
  const binDir = readFileSync(rememberedIn, 'utf8').trim();
  return existsSync(join(binDir, 'peer')) ? new FabricBinaries(binDir) : undefined;
}
