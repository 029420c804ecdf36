#!/usr/bin/env node
// The operator's command line for the local network. See the README's "Network" section.
import { resolve } from 'node:path';
import { deployChaincode } from './chaincode';
import { ensureFabricBinaries, knownFabricBinaries } from './fabric-bin';
import { clean, down, status, up } from './network';
import { stop } from './processes';
import { hold, isSupervisorRunning, supervise } from './supervisor';
import { peerCliEnv } from './nodes';
import { DEFAULT_RUN_DIR, DEFAULT_TOPOLOGY, RunPaths } from './paths';
import { findOrg, loadTopology } from './topology';

const USAGE = `usage: ledger-network <command> [options]

commands:
  up              start CAs, orderers, peers and chaincode servers; create and join the channel;
                  deploy the chaincode (idempotent: safe to run again)
  down            stop every process 'up' started (by PID file); keeps all state
  stop <node>     stop one node (see status for names); the supervisor leaves it stopped
                  until the next 'up'. A node that crashes is restarted by the supervisor.
  clean           down, then remove all generated state (identities, ledgers, logs)
  status          each node, its endpoint, PID and health (--json for machine output)
  deploy          (re)deploy the chaincode; changed code becomes a new package, sequence + 1
  env <org>       print 'export' lines for a peer CLI acting as <org>'s admin, for example:
                    eval "$(npm run -s network -- env ngo)"

options:
  --topology FILE   topology file (default: network/topology.json)
  --run-dir DIR     where generated state lives (default: network/run)
  --port-offset N   add N to every port of the topology (the test suite uses this)
  --peer NAME       with env: the peer to talk to (default: the org's first peer)`;

interface Options {
  command: string;
  positional: string[];
  topology: string;
  runDir: string;
  portOffset: number;
  peer?: string;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { command: '', positional: [], topology: DEFAULT_TOPOLOGY, runDir: DEFAULT_RUN_DIR, portOffset: 0, json: false };
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
    else if (arg === '--json') options.json = true;
    else if (arg === '-h' || arg === '--help') options.command = 'help';
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!options.command) options.command = arg;
    else options.positional.push(arg);
  }
  return options;
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const paths = new RunPaths(options.runDir);
  switch (options.command) {
    case 'up':
      await up(loadTopology(options.topology, options.portOffset), paths);
      return;
    case 'down':
      await down(paths);
      return;
    case 'stop': {
      const id = options.positional[0];
      if (!id) throw new UsageError('stop needs a node name, such as peer0.ngo');
      const known = (await status(loadTopology(options.topology, options.portOffset), paths)).map((n) => n.id);
      if (!known.includes(id)) throw new Error(`unknown node "${id}"; the nodes are: ${known.join(', ')}`);
      hold(paths, id); // the supervisor leaves it stopped until the next 'up'
      process.stderr.write(`[network] ${(await stop(paths.pid(id))) ? `stopped ${id}` : `${id} was not running`}\n`);
      return;
    }
    case 'clean':
      await clean(paths);
      return;
    case 'status': {
      const nodes = await status(loadTopology(options.topology, options.portOffset), paths);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(nodes, null, 2)}\n`);
      } else {
        process.stdout.write(`${'NODE'.padEnd(22)}${'KIND'.padEnd(18)}${'ENDPOINT'.padEnd(18)}${'PID'.padEnd(9)}${'HEALTH'.padEnd(11)}RESTARTS\n`);
        for (const n of nodes) {
          const health = n.pid === undefined ? 'stopped' : n.healthy ? 'healthy' : 'UNHEALTHY';
          process.stdout.write(`${n.id.padEnd(22)}${n.kind.padEnd(18)}${n.endpoint.padEnd(18)}${String(n.pid ?? '-').padEnd(9)}${health.padEnd(11)}${n.restarts}\n`);
        }
        process.stdout.write(`supervisor: ${isSupervisorRunning(paths) ? 'running' : 'not running'} (restarts crashed nodes; log: ${paths.logs}/supervisor.log)\n`);
      }
      if (nodes.some((n) => !n.healthy)) process.exitCode = 3;
      return;
    }
    case 'deploy': {
      const t = loadTopology(options.topology, options.portOffset);
      await deployChaincode(ensureFabricBinaries(paths.binDirFile), t, paths);
      return;
    }
    case 'env': {
      const t = loadTopology(options.topology, options.portOffset);
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

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`[network] ERROR: ${message}\n`);
  if (err instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
