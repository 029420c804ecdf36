// Founding a channel from the founders' exported definitions: the genesis block is built from the
// definition files alone (each org's MSP materialised into a scratch folder for configtxgen) and
// the topology's channel-level settings; no other site's folder is read. `up` goes through the
// same boundary: each site exports into the run folder's public exchange folder, the block is
// built from the files there, and each site joins its own nodes with it.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeOuConfigYaml } from './ca';
import { DefinitionError, definitionJson, exportDefinition, OrgDefinition, readDefinition, topologyMismatches } from './definitions';
import { log, run } from './exec';
import { FabricBinaries } from './fabric-bin';
import { ConfigtxOrg, writeConfigtx } from './nodes';
import { RunPaths } from './paths';
import { sites, Topology } from './topology';

/**
 * Reads and checks the definitions of a channel's founders against the topology: each valid on
 * its own, each an org of the topology with its MSP ID and endpoints, none twice, none missing.
 * Returns them in the topology's order (BFT consenter IDs follow it, whatever order files come in).
 */
export function readFoundingDefinitions(t: Topology, files: readonly string[]): OrgDefinition[] {
  if (files.length === 0) throw new DefinitionError('the founding definitions', ['none given (one --definition FILE per founding org)']);
  const read = files.map((file) => ({ file, definition: readDefinition(file) }));
  const problems: string[] = [];
  for (const { file, definition } of read) {
    problems.push(...topologyMismatches(t, definition).map((p) => `${file}: ${p}`));
  }
  for (const key of ['mspId', 'name'] as const) {
    const seen = new Map<string, string>();
    for (const { file, definition } of read) {
      const other = seen.get(definition[key]);
      if (other !== undefined) problems.push(`${file}: ${key === 'mspId' ? 'MSP ID' : 'org'} ${definition[key]} is already defined by ${other}`);
      else seen.set(definition[key], file);
    }
  }
  const given = new Set(read.map((r) => r.definition.name));
  for (const site of sites(t)) if (!given.has(site.name)) problems.push(`no definition of org ${site.name} (${site.mspId}), a founder of channel ${t.channel}`);
  if (problems.length > 0) throw new DefinitionError('the founding definitions', problems);
  const order = sites(t).map((s) => s.name);
  return read.map((r) => r.definition).sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/** Writes each definition's MSP folder and its nodes' certificates under `dir`, as configtxgen reads them. */
export function materialiseDefinitions(definitions: readonly OrgDefinition[], dir: string): ConfigtxOrg[] {
  return definitions.map((d) => {
    const orgDir = join(dir, d.mspId);
    const mspDir = join(orgDir, 'msp');
    const write = (file: string, text: string): string => {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
      return file;
    };
    write(join(mspDir, 'cacerts', 'ca.pem'), d.caRootCert);
    write(join(mspDir, 'tlscacerts', 'ca.pem'), d.tlsRootCert);
    write(join(mspDir, 'config.yaml'), nodeOuConfigYaml(d.nodeOUs));
    return {
      mspId: d.mspId,
      mspDir,
      anchorPeers: d.anchorPeers,
      consenters: d.orderers.map((n) => ({
        host: n.host,
        port: n.port,
        identityFile: write(join(orgDir, 'orderers', n.name, 'enrollment.pem'), n.enrollmentCert),
        tlsCertFile: write(join(orgDir, 'orderers', n.name, 'tls.pem'), n.tlsCert),
      })),
    };
  });
}

/**
 * Builds the channel's genesis block from the founders' definition files and the topology's
 * channel settings, into `out`. Every file is checked first: a bad one changes nothing.
 */
export function buildGenesisBlock(bins: FabricBinaries, t: Topology, files: readonly string[], out: string): OrgDefinition[] {
  const definitions = readFoundingDefinitions(t, files);
  const scratch = mkdtempSync(join(tmpdir(), 'ledger-genesis-'));
  try {
    const configDir = writeConfigtx(t, materialiseDefinitions(definitions, join(scratch, 'orgs')), scratch);
    const block = join(scratch, 'genesis.block');
    run(bins.path('configtxgen'), ['-configPath', configDir, '-profile', 'ApplicationChannel', '-outputBlock', block, '-channelID', t.channel], {
      step: `generate the genesis block of channel ${t.channel}`,
    });
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(block, `${out}.partial`);
    renameSync(`${out}.partial`, out);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return definitions;
}

/** Writes a public file, readable by everyone (the umask of 077 would close it), whole or not at all. */
export function writePublicFile(file: string, content: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.partial`, content);
  chmodSync(`${file}.partial`, 0o644);
  renameSync(`${file}.partial`, file);
}

/**
 * `up`'s founding, through the same boundaries as founders on separate machines: each site exports
 * its definition into the public exchange folder, the genesis block is built from the files there
 * only, and that block is what the sites join their nodes with. Once the channel's block exists,
 * nothing is done (the network was founded).
 */
export function foundChannel(bins: FabricBinaries, t: Topology, paths: RunPaths): void {
  const block = paths.channelBlock(t.channel);
  if (existsSync(block)) return;
  // Every site's user may read the exchange folder (the run folder lets them pass, see site-users.ts).
  mkdirSync(paths.publicDir, { recursive: true });
  chmodSync(paths.publicDir, 0o755);
  const files = sites(t).map((site) => {
    const file = paths.publicDefinition(site.name);
    writePublicFile(file, definitionJson(exportDefinition(t, paths, site.name)));
    return file;
  });
  log(`each founding site exported its definition to ${paths.publicDir}`);
  const genesis = paths.publicGenesisBlock(t.channel);
  buildGenesisBlock(bins, t, files, genesis);
  chmodSync(genesis, 0o644);
  mkdirSync(dirname(block), { recursive: true });
  copyFileSync(genesis, block);
  log(`built the genesis block of channel ${t.channel} from the ${files.length} definitions only: ${genesis}`);
}
