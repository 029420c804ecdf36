#!/usr/bin/env node
// The operator's command line for the local network. See the README's "Network" section.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArchiveError } from './archive';
import { backupSite, restoreSite, SiteBackupRefusal } from './backup';
import { createUpdateEnvelope, fetchChannelConfig } from './channel-config';
import { topologyMermaid, topologySvg } from './diagram';
import { ConfigUpdateRefusal, inspectUpdate, readSignatureFile, signUpdate, submitUpdate } from './config-signatures';
import { benchChaincode, deployChaincode, deployOnEveryChannel } from './chaincode';
import { ensureFabricBinaries, FabricBinaries, knownFabricBinaries } from './fabric-bin';
import { clean, down, status, up } from './network';
import { stop } from './processes';
import { hold, isSupervisorRunning, supervise } from './supervisor';
import { peerCliEnv } from './nodes';
import { DEFAULT_RUN_DIR, DEFAULT_TOPOLOGY, Launch, readLaunch, RunPaths, writeLaunch } from './paths';
import { channelView, channelViews, findOrg, PeerOrgConfig, SiteConfig, sites, Topology } from './topology';
import { DefinitionError, definitionJson, describeDefinition, exportDefinition, readDefinition } from './definitions';
import { buildGenesisBlock, writePublicFile } from './founding';
import { loadEffectiveTopology } from './members';
import { LedgerError } from '@donation-ledger/client';
import { ensureGovernance, executeProposal, GovernanceRefusal, proposeInvite, proposeRemoval, readOrgIdentity, readProposal, vote, writeProposalUpdate } from './governance';
import { addOrgToChannel, NetworkLocation, prepareOrg, removeOrgFromChannel } from './membership';
import { joinSubsetChannel, leaveSubsetChannel } from './channel-membership';
import { rejoinConsenter } from './rejoin';
import { isJoinMode, JoinMode } from './snapshots';
import { refuseReleaseChange, upgradeFabric, UpgradeRefusal } from './upgrade';

const USAGE = `usage: ledger-network <command> [options]

commands:
  up              start CAs, orderers, peers and chaincode servers; create the channel from the
                  definitions each founding site exports to <run-dir>/public/ (see 'founding'
                  below) and join each site's nodes to it; deploy the chaincode; set the
                  ledger's governance (founders as members, the topology's voting policy) once
                  (idempotent: safe to run again; a founded channel is left as it is)
  down            stop every process 'up' started (by PID file); keeps all state
  stop <node>     stop one node (see status for names); the supervisor leaves it stopped
                  until the next 'up'. A node that crashes is restarted by the supervisor.
  clean           down, then remove all generated state (identities, ledgers, logs)
  status          each node, its endpoint, PID and health (--json for machine output)
  upgrade --to X.Y.Z
                  rolling upgrade of the Fabric binaries: every orderer, then every peer, one at
                  a time: stopped (held from the supervisor), started on release X.Y.Z, healthy
                  (/healthz, /version) and caught up (block height) before the next. Refused,
                  nothing changed, when X.Y.Z is not installed (it says how), not newer than what
                  runs, or a node is down. Capabilities are left as they are
  deploy [bench]  (re)deploy the ledger's chaincode; changed code becomes a new package,
                  sequence + 1. 'deploy bench' deploys the bench's chaincode (the Baseline
                  contract, chaincode 'bench'); npm run bench does that itself
  backup --site ORG --out FILE
                  write one encrypted archive of the site: its folder (CA database and keys,
                  identities, profile, API data) and its nodes' ledgers, while the network runs
                  (each node is stopped for its copy, then started again). The passphrase comes
                  from --passphrase-file FILE ('-' for stdin) or LEDGER_BACKUP_PASSPHRASE
  restore --site ORG --in FILE
                  rebuild the site from an archive where it has no folder, no node data and no
                  node running (refused otherwise, nothing changed); start its nodes and wait
                  until its peers have caught up with the channel
  diagram [--out FILE.svg|FILE.mmd]
                  the topology as a picture: sites (address, Unix user), nodes, the channel and
                  who endorses; Mermaid text on stdout without --out
  env <org>       print 'export' lines for a peer CLI acting as <org>'s admin, for example:
                    eval "$(npm run -s network -- env ngo)"

membership (low level, for operators; 'governance execute' runs these for an approved proposal):
  org prepare <spec.json>   start a prospective org's CA and enroll its identities; print the
                            JSON a proposal to invite it carries (MSP ID, CA and TLS root certs)
  org add <spec.json> [--join auto|genesis|snapshot]
                            add the org to the channel (config update signed by a majority of the
                            members' admins), start and join its peers, catch up, approve the
                            chaincode for it and start its chaincode server. Its peers join from
                            a member's ledger snapshot when the chain has 1000 blocks or more
                            (auto; LEDGER_SNAPSHOT_JOIN_MIN_HEIGHT), else from genesis
  org remove <mspId>        take the org out of the channel config and stop its nodes
  org join <org> --channel NAME
                            add a member of the consortium to a subset channel of the topology
                            (config update signed by a majority of that channel's members'
                            admins), join its peers, approve the channel's chaincode for it
  org leave <org> --channel NAME
                            take a member out of a subset channel (not one that orders it)
  orderer rejoin <node>     bring back a Raft ordering node whose ledger is gone (lost disk, or
                            left out by 'restore'): take it out of the consenters and add it
                            back (two config updates, each signed by a majority of the admins
                            of the orgs that run ordering nodes), start it empty and wait until
                            it follows the cluster. Refused, nothing changed, while it runs or
                            has a ledger, or on a BFT channel

founding from exported definitions (only public files cross between sites; 'up' does all of it):
  org export --org ORG --out FILE.json
                            ORG's public definition, from its own site folder: name, MSP ID, site
                            address, CA and TLS root certs, NodeOU config, anchor peers, ordering
                            nodes (endpoint, TLS and enrollment certs). Nothing secret (0644)
  org inspect FILE.json     check a definition on its own (fields, PEM, certs issued by its own
                            roots) and summarise it: roots' subjects, fingerprints, expiry; nodes
  channel genesis --definition FILE [--definition FILE]... --out FILE.block [--channel NAME]
                            the channel's genesis block from the founders' definitions only (one
                            per founding org of the channel, any order; --channel: a subset
                            channel of the topology's "channels", by default the main one) and the topology's
                            channel settings (consensus, policies, batching). Every file is checked
                            first, against the topology too (org, MSP ID, endpoints, no org twice);
                            a bad one is refused (exit 2), nothing written

channel config updates between sites (each member signs on its own site; only files travel):
  config-update fetch --org ORG --out FILE         the channel's current config, decoded (JSON)
  config-update create <config.json> <edited.json> --out FILE
                            the update from one to the other, as an unsigned envelope (.pb)
  config-update inspect <update.pb>                its channel, its signers and what it changes
  config-update sign <update.pb> --org ORG --out FILE
                            sign as ORG's admin; FILE is the signature to send back
  config-update submit <update.pb> --org ORG [--signature FILE]...
                            check each signature file (a member's admin, over this update), then
                            submit as ORG's admin; Fabric refuses it without enough signatures

governance (the ledger's proposals and votes; each acts as --org's admin identity 'orgadmin'):
  governance propose-invite <prepared.json> --org ORG --id ID [--description TEXT]
                            propose to invite the org whose 'org prepare' output is the file
  governance propose-remove <mspId> --org ORG --id ID [--description TEXT]
  governance vote <proposalId> YES|NO --org ORG
  governance show <proposalId>            the proposal, its votes and status, as JSON
  governance execute <proposalId> [--org-spec FILE] [--org ORG] [--update FILE --signature FILE...]
                            carry out an APPROVED proposal (or retry an ACTION_FAILED one):
                            invite needs the org's spec file (the org voted on, same roots);
                            records EXECUTED or ACTION_FAILED. Exit 2 when it refuses.
                            Without --update, this network's member admins sign in turn; with
                            it, the update signed on the other sites (their signature files)
                            is submitted by --org's admin.
  governance prepare-update <proposalId> [--org-spec FILE] [--org ORG] --out FILE
                            the config update an APPROVED proposal needs, for the members to
                            sign on their own sites (config-update sign)
  --channel NAME on any governance command: the proposals of that subset channel's ledger, which
                            change its membership (an invitation names a member of the
                            consortium, e.g. its 'org export' file; execute joins or removes it)

options:
  --topology FILE   topology file (default: the one 'up' used for --run-dir, else
                    network/topology.json)
  --run-dir DIR     where generated state lives (default: network/run)
  --port-offset N   add N to every port of the topology (the test suite uses this; default:
                    the one 'up' used for --run-dir, else 0)
  --fabric X.Y.Z    with up: the Fabric release to run (built once if missing; default: the one
                    the network of --run-dir runs, else the newest the install script knows)
  --to X.Y.Z        with upgrade: the Fabric release to upgrade to
  --peer NAME       with env: the peer to talk to (default: the org's first peer)
  --org NAME        with governance: the member org whose admin acts
  --org-spec FILE   with governance execute: the spec of the org an invitation brings up
  --id ID           with governance propose-*: the proposal's ID
  --description T   with governance propose-*: what the proposal is for
  --site ORG        with backup and restore: the site (an org's name)
  --in FILE         with restore: the archive
  --passphrase-file FILE
                    with backup and restore: the file holding the archive's passphrase ('-':
                    read it from stdin); never given on the command line itself
  --out FILE        with config-update, org export, channel genesis, backup and diagram: where
                    to write
  --definition FILE with channel genesis: a founding org's definition (repeatable)
  --channel NAME    with channel genesis, org join/leave and governance: which of the topology's
                    channels (default: the main one)
  --signature FILE  with config-update submit and governance execute: another member's
                    signature file (repeatable)
  --update FILE     with governance execute: the update envelope the signature files sign

Orgs added or removed on a network are kept in <run-dir>/membership.json: every command works
on the current members (an added org comes back with 'up', a removed one stays stopped).`;

interface Options {
  command: string;
  positional: string[];
  topology?: string;
  runDir: string;
  portOffset?: number;
  peer?: string;
  json: boolean;
  org?: string;
  orgSpec?: string;
  id?: string;
  description?: string;
  out?: string;
  update?: string;
  signatures: string[];
  definitions: string[];
  site?: string;
  in?: string;
  passphraseFile?: string;
  join?: JoinMode;
  fabric?: string;
  to?: string;
  channel?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { command: '', positional: [], runDir: DEFAULT_RUN_DIR, json: false, signatures: [], definitions: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--topology') options.topology = resolve(value());
    else if (arg === '--run-dir') options.runDir = resolve(value());
    else if (arg === '--port-offset') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 50000) throw new UsageError('--port-offset must be a whole number from 0 to 50000');
      options.portOffset = n;
    } else if (arg === '--peer') options.peer = value();
    else if (arg === '--org') options.org = value();
    else if (arg === '--org-spec') options.orgSpec = resolve(value());
    else if (arg === '--id') options.id = value();
    else if (arg === '--description') options.description = value();
    else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--channel') options.channel = value();
    else if (arg === '--signature') options.signatures.push(resolve(value()));
    else if (arg === '--definition') options.definitions.push(resolve(value()));
    else if (arg === '--update') options.update = resolve(value());
    else if (arg === '--site') options.site = value();
    else if (arg === '--in') options.in = resolve(value());
    else if (arg === '--passphrase-file') options.passphraseFile = value();
    else if (arg === '--join') {
      const mode = value();
      if (!isJoinMode(mode)) throw new UsageError(`--join must be auto, genesis or snapshot (got "${mode}")`);
      options.join = mode;
    }
    else if (arg === '--fabric') options.fabric = release(arg, value());
    else if (arg === '--to') options.to = release(arg, value());
    else if (arg === '--passphrase') throw new UsageError('a passphrase is never taken on the command line (ps shows it): use --passphrase-file FILE, --passphrase-file - (stdin) or LEDGER_BACKUP_PASSPHRASE');
    else if (arg === '--json') options.json = true;
    else if (arg === '-h' || arg === '--help') options.command = 'help';
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!options.command) options.command = arg;
    else options.positional.push(arg);
  }
  return options;
}

class UsageError extends Error {}

/** A Fabric release as the install script names it: 3.1.1 (a leading v is dropped). */
function release(flag: string, value: string): string {
  const version = value.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new UsageError(`${flag} takes a Fabric release such as 3.1.1, not "${value}"`);
  return version;
}

async function main(): Promise<void> {
  // Everything this command and the nodes it starts create (keys, secrets, ledgers, private-data
  // stores, logs) is its owner's alone: LevelDB would otherwise create 0644 files in 0755 folders.
  process.umask(0o077);
  const options = parseArgs(process.argv.slice(2));
  const paths = new RunPaths(options.runDir);
  // Flags win; otherwise what `up` used for this run folder, so later commands need only --run-dir.
  const launched = readLaunch(paths);
  const fabric = options.fabric ?? launched?.fabric;
  const launch: Launch = {
    topology: options.topology ?? launched?.topology ?? DEFAULT_TOPOLOGY, portOffset: options.portOffset ?? launched?.portOffset ?? 0, ...(fabric ? { fabric } : {}),
  };
  const at: NetworkLocation = { topologyFile: launch.topology, paths, portOffset: launch.portOffset, ...(options.channel === undefined ? {} : { channel: options.channel }) };
  // The founding orgs of the topology file, changed by what governance added and removed.
  const loadTopology = (): Topology => loadEffectiveTopology(launch.topology, paths, launch.portOffset);
  switch (options.command) {
    case 'up': {
      const t = loadTopology();
      refuseReleaseChange(paths, options.fabric);
      writeLaunch(paths, launch);
      await up(t, paths, launch.fabric);
      // Each channel's ledger governs its own members.
      for (const channel of channelViews(t)) await ensureGovernance(channel, paths);
      return;
    }
    case 'down':
      await down(paths);
      return;
    case 'stop': {
      const id = options.positional[0];
      if (!id) throw new UsageError('stop needs a node name, such as peer0.ngo');
      const known = (await status(loadTopology(), paths)).map((n) => n.id);
      if (!known.includes(id)) throw new Error(`unknown node "${id}"; the nodes are: ${known.join(', ')}`);
      hold(paths, id); // the supervisor leaves it stopped until the next 'up'
      process.stderr.write(`[network] ${(await stop(paths.pid(id))) ? `stopped ${id}` : `${id} was not running`}\n`);
      return;
    }
    case 'clean':
      await clean(paths);
      return;
    case 'upgrade': {
      if (!options.to) throw new UsageError('upgrade needs --to <Fabric release>, such as --to 3.1.1');
      const report = await upgradeFabric(loadTopology(), paths, launch, options.to);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    case 'status': {
      const nodes = await status(loadTopology(), paths);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(nodes, null, 2)}\n`);
      } else {
        const width = Math.max(22, ...nodes.map((n) => n.id.length + 2));
        process.stdout.write(`${'NODE'.padEnd(width)}${'KIND'.padEnd(18)}${'ENDPOINT'.padEnd(18)}${'PID'.padEnd(9)}${'HEALTH'.padEnd(11)}RESTARTS\n`);
        for (const n of nodes) {
          const health = n.pid === undefined ? 'stopped' : n.healthy ? 'healthy' : 'UNHEALTHY';
          process.stdout.write(`${n.id.padEnd(width)}${n.kind.padEnd(18)}${n.endpoint.padEnd(18)}${String(n.pid ?? '-').padEnd(9)}${health.padEnd(11)}${n.restarts}\n`);
        }
        process.stdout.write(`supervisor: ${isSupervisorRunning(paths) ? 'running' : 'not running'} (restarts crashed nodes; log: ${paths.logs}/supervisor.log)\n`);
      }
      if (nodes.some((n) => !n.healthy)) process.exitCode = 3;
      return;
    }
    case 'deploy': {
      const t = loadTopology();
      const which = options.positional[0] ?? 'ledger';
      if (which !== 'ledger' && which !== 'bench') throw new UsageError(`deploy takes "bench" or nothing, not "${which}"`);
      const bins = ensureFabricBinaries(paths.binDirFile);
      if (which === 'bench') await deployChaincode(bins, t, paths, { chaincode: benchChaincode(t) });
      else await deployOnEveryChannel(bins, t, paths);
      return;
    }
    case 'env': {
      const t = loadTopology();
      const orgName = options.positional[0];
      if (!orgName) throw new UsageError('env needs an org name');
      const org = findOrg(t, orgName);
      const peer = options.peer === undefined ? undefined : org.peers.find((p) => p.name === options.peer);
      if (options.peer !== undefined && !peer) throw new Error(`org ${org.name} has no peer "${options.peer}"`);
      const bins = knownFabricBinaries(paths.binDirFile);
      if (!bins) throw new Error(`no network has been brought up in ${paths.root} yet; run "npm start" (or "ledger-network up") first`);
      const env = peerCliEnv(bins, t, paths, org, peer);
      for (const [k, v] of Object.entries(env)) process.stdout.write(`export ${k}='${v.replace(/'/g, "'\\''")}'\n`);
      return;
    }
    case 'orderer': {
      const [action, node] = options.positional;
      if (action !== 'rejoin' || !node) throw new UsageError('orderer needs "rejoin <node>", such as orderer0.ngo');
      process.stdout.write(`${JSON.stringify(await rejoinConsenter(at, node))}\n`);
      return;
    }
    case 'org': {
      const [action, arg] = options.positional;
      if (action === 'prepare' && arg) {
        const { identity } = await prepareOrg(at, resolve(arg));
        process.stdout.write(`${JSON.stringify(identity, null, 2)}\n`);
      } else if (action === 'add' && arg) {
        await addOrgToChannel(at, resolve(arg), undefined, options.join ?? 'auto');
      } else if (action === 'remove' && arg) {
        await removeOrgFromChannel(at, arg);
      } else if (action === 'join' && arg) {
        await joinSubsetChannel(at, arg);
      } else if (action === 'leave' && arg) {
        await leaveSubsetChannel(at, arg);
      } else if (action === 'export') {
        if (!options.org || !options.out) throw new UsageError('org export needs --org <org> and --out <file.json>');
        writePublicFile(options.out, definitionJson(exportDefinition(loadTopology(), paths, findSite(loadTopology(), options.org).name)));
        process.stderr.write(`[network] wrote ${options.out}: send it to the other founders\n`);
      } else if (action === 'inspect' && arg) {
        process.stdout.write(describeDefinition(readDefinition(resolve(arg))));
      } else {
        throw new UsageError('org needs "prepare <spec.json>", "add <spec.json>", "remove <mspId>", "join <org> --channel NAME", "leave <org> --channel NAME", ' +
          '"export --org ORG --out FILE" or "inspect <definition.json>"');
      }
      return;
    }
    case 'channel': {
      if (options.positional[0] !== 'genesis') throw new UsageError(`unknown channel subcommand "${options.positional[0] ?? ''}" (genesis)`);
      if (!options.out) throw new UsageError('channel genesis needs --out <file.block>');
      const t = options.channel === undefined ? loadTopology() : channelView(loadTopology(), options.channel);
      const founders = buildGenesisBlock(ensureFabricBinaries(paths.binDirFile), t, options.definitions, options.out);
      process.stderr.write(`[network] wrote ${options.out}: the genesis block of ${t.channel} for ${founders.map((d) => d.mspId).join(', ')}\n`);
      return;
    }
    case 'governance':
      await governanceCommand(options, at);
      return;
    case 'config-update':
      await configUpdateCommand(options, at);
      return;
    case 'backup': {
      if (!options.site || !options.out) throw new UsageError('backup needs --site <org> and --out <file>');
      const report = await backupSite(loadTopology(), paths, options.site, { out: options.out, passphrase: readPassphrase(options) });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    case 'restore': {
      if (!options.site || !options.in) throw new UsageError('restore needs --site <org> and --in <file>');
      const report = await restoreSite(loadTopology(), paths, options.site, { archive: options.in, passphrase: readPassphrase(options) });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    case 'diagram': {
      const t = loadTopology();
      const out = options.out;
      if (!out) process.stdout.write(topologyMermaid(t));
      else {
        writeFileSync(out, out.endsWith('.svg') ? topologySvg(t) : topologyMermaid(t), { mode: 0o644 });
        process.stderr.write(`[network] wrote ${out}\n`);
      }
      return;
    }
    case 'supervise':
      await supervise(paths);
      return;
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(options.command ? `unknown command "${options.command}"` : 'no command given');
  }
}

async function configUpdateCommand(options: Options, at: NetworkLocation): Promise<void> {
  const [action, ...args] = options.positional;
  const t = loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset);
  const bins = (): FabricBinaries => ensureFabricBinaries(at.paths.binDirFile);
  const org = (): PeerOrgConfig => {
    if (!options.org) throw new UsageError(`config-update ${action ?? ''} needs --org <member org> (whose admin acts)`);
    return findOrg(t, options.org);
  };
  const out = (): string => {
    if (!options.out) throw new UsageError(`config-update ${action ?? ''} needs --out <file>`);
    return options.out;
  };
  const arg = (i: number, what: string): string => {
    const value = args[i];
    if (!value) throw new UsageError(`config-update ${action ?? ''} needs ${what}`);
    return resolve(value);
  };
  const workDir = (): string => {
    const dir = at.paths.configUpdate(`${action ?? 'update'}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const write = (file: string, text: string): void => {
    writeFileSync(file, text);
    process.stderr.write(`[network] wrote ${file}\n`);
  };
  switch (action) {
    case 'fetch':
      write(out(), `${JSON.stringify(fetchChannelConfig(bins(), t, at.paths, org(), workDir()), null, 2)}\n`);
      return;
    case 'create': {
      const [original, updated] = [readJsonFile(arg(0, '<config.json>')), readJsonFile(arg(1, '<edited.json>'))];
      const file = out();
      copyFileSync(createUpdateEnvelope(bins(), t, workDir(), { original, updated, what: 'config-update create' }), file);
      process.stderr.write(`[network] wrote ${file}: send it to the members whose admins must sign\n`);
      return;
    }
    case 'inspect':
      process.stdout.write(`${JSON.stringify(inspectUpdate(bins(), arg(0, '<update.pb>'), workDir()), null, 2)}\n`);
      return;
    case 'sign': {
      // Any site signs: a member, or the orderer-only org for a change of the ordering service.
      if (!options.org) throw new UsageError('config-update sign needs --org <org> (whose admin signs)');
      const signature = signUpdate(bins(), at.paths, findSite(t, options.org), arg(0, '<update.pb>'), workDir());
      write(out(), `${JSON.stringify(signature, null, 2)}\n`);
      return;
    }
    case 'submit': {
      const submitter = org();
      const signatures = options.signatures.map(readSignatureFile);
      const dir = workDir();
      const config = fetchChannelConfig(bins(), t, at.paths, submitter, dir);
      await submitUpdate(bins(), t, at.paths, submitter, { envelopeFile: arg(0, '<update.pb>'), signatures, config, what: 'config-update submit', workDir: dir });
      return;
    }
    default:
      throw new UsageError(`unknown config-update subcommand "${action ?? ''}" (fetch, create, inspect, sign, submit)`);
  }
}

/** A site of the topology (a member, or the orderer-only org) by name or MSP ID. */
function findSite(t: Topology, name: string): SiteConfig {
  const site = sites(t).find((o) => o.name === name || o.mspId === name);
  if (!site) throw new UsageError(`unknown org "${name}"; the topology has: ${sites(t).map((o) => o.name).join(', ')}`);
  return site;
}

/** The archive passphrase: from a file, stdin ('-'), or the environment; never from argv. */
function readPassphrase(options: Options): string {
  const fromEnv = process.env.LEDGER_BACKUP_PASSPHRASE;
  if (options.passphraseFile === undefined) {
    if (fromEnv) return fromEnv;
    throw new UsageError('the archive passphrase is needed: --passphrase-file FILE, --passphrase-file - (stdin) or LEDGER_BACKUP_PASSPHRASE');
  }
  const text = readFileSync(options.passphraseFile === '-' ? 0 : resolve(options.passphraseFile), 'utf8');
  // A file written by echo or an editor ends with a newline that is not part of the passphrase.
  return text.replace(/\r?\n$/, '');
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`);
  }
}

async function governanceCommand(options: Options, at: NetworkLocation): Promise<void> {
  const [action, arg, choice] = options.positional;
  const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  const needOrg = (): string => {
    if (!options.org) throw new UsageError(`governance ${action ?? ''} needs --org <member org> (whose admin acts)`);
    return options.org;
  };
  const needId = (): string => {
    if (!options.id) throw new UsageError(`governance ${action ?? ''} needs --id <proposal id>`);
    return options.id;
  };
  if (!arg) throw new UsageError('governance needs a subcommand and its argument (see help)');
  switch (action) {
    case 'propose-invite': {
      const org = readOrgIdentity(resolve(arg));
      print(await proposeInvite(at, needOrg(), { id: needId(), description: options.description ?? `invite ${org.name} (${org.mspId})`, org }));
      return;
    }
    case 'propose-remove':
      print(await proposeRemoval(at, needOrg(), { id: needId(), description: options.description ?? `remove ${arg}`, mspId: arg }));
      return;
    case 'vote':
      if (choice !== 'YES' && choice !== 'NO') throw new UsageError('governance vote needs <proposalId> YES|NO');
      print(await vote(at, needOrg(), arg, choice));
      return;
    case 'show':
      print(await readProposal(at, options.org, arg));
      return;
    case 'execute': {
      if (options.signatures.length > 0 && !options.update) throw new UsageError('--signature needs --update <the envelope the signatures sign>');
      const update = options.update ? { envelopeFile: options.update, signatureFiles: options.signatures } : undefined;
      print(await executeProposal(at, arg, { orgSpecFile: options.orgSpec, asOrg: options.org, ...(update ? { update } : {}) }));
      return;
    }
    case 'prepare-update': {
      if (!options.out) throw new UsageError('governance prepare-update needs --out <file>');
      await writeProposalUpdate(at, arg, options.out, { orgSpecFile: options.orgSpec, asOrg: options.org });
      return;
    }
    default:
      throw new UsageError(`unknown governance subcommand "${action ?? ''}"`);
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  // The ledger's refusals carry a stable code (FORBIDDEN, EXPIRED, ALREADY_EXISTS...): show it.
  const code = err instanceof LedgerError ? `${err.code}: ` : '';
  process.stderr.write(`[network] ERROR: ${code}${message}\n`);
  if (err instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
  const refused = [GovernanceRefusal, DefinitionError, ConfigUpdateRefusal, SiteBackupRefusal, ArchiveError, UpgradeRefusal].some((kind) => err instanceof kind);
  process.exitCode = err instanceof UsageError || refused ? 2 : 1;
});
