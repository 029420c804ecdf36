#!/usr/bin/env node
// The indexer as a standalone command, for when the read model should not live inside the API
// (start the API with INDEXER=off then), or to rebuild it. Same code as the API's indexer.
import { dirname, join, resolve } from 'node:path';
import { connect, loadProfile, otherOrgGateway, profileConnection, profilePath } from '@donation-ledger/client';
import { ChainBreakError, CheckpointError, Indexer } from './indexer';
import { openStore, redact, StoreConfig } from './sql';

const USAGE = `usage: donation-ledger-indexer <command> [options]   (npm run indexer -- <command> ...)

commands:
  run        index what the ledger has, then follow new blocks until interrupted (Ctrl-C).
             Checkpointed per block: safe to kill at any moment and start again.
  catch-up   index every block the ledger has now, then exit
  rebuild    drop the read model and index again from genesis, then exit
  status     the read model's checkpoint and the ledger's height

options:
  --profile FILE        the org's connection profile (default: $LEDGER_PROFILE, else the profile
                        "npm start" wrote for --org); blocks are read as its "reader" identity
  --org NAME            without a profile: whose profile in network/run to use (default: ngo)
  --dir DIR             embedded database folder (default: the API's, <profile folder>/api/database:
                        stop the API or start it with INDEXER=off first)
  --database-url URL    PostgreSQL instead of the embedded database
  --progress-every N    print a progress line every N blocks (default: 100)
  --cross-check         compare every block's validation codes with a peer of another member org
                        and stop at the first difference (see docs/ordering.md)`;

/** The profile's identity with no role: reading blocks needs no admin. */
const READER = 'reader';

interface Options {
  command: string;
  org: string;
  profile?: string;
  dir?: string;
  databaseUrl?: string;
  progressEvery: number;
  crossCheck: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const envProfile = process.env.LEDGER_PROFILE;
  const options: Options = { command: '', org: 'ngo', ...(envProfile ? { profile: resolve(envProfile) } : {}), progressEvery: 100, crossCheck: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const wholeNumber = (min: number, max: number): number => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${arg} must be a whole number from ${min} to ${max}`);
      return n;
    };
    if (arg === '--org') options.org = value();
    else if (arg === '--dir') options.dir = resolve(value());
    else if (arg === '--database-url') options.databaseUrl = value();
    else if (arg === '--profile') options.profile = resolve(value());
    else if (arg === '--cross-check') options.crossCheck = true;
    else if (arg === '--progress-every') options.progressEvery = wholeNumber(1, 1_000_000);
    else if (arg === '-h' || arg === '--help') options.command = 'help';
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!options.command) options.command = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (options.dir && options.databaseUrl) throw new UsageError('give --dir or --database-url, not both');
  if (options.databaseUrl && !/^postgres(ql)?:\/\//.test(options.databaseUrl)) throw new UsageError('--database-url must be a postgresql:// URL');
  return options;
}

const say = (message: string): void => {
  process.stdout.write(`[indexer] ${message}\n`);
};

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.command === 'help' || !options.command) {
    process.stdout.write(`${USAGE}\n`);
    return options.command ? 0 : 2;
  }
  if (!['run', 'catch-up', 'rebuild', 'status'].includes(options.command)) throw new UsageError(`unknown command "${options.command}"`);

  const profile = loadProfile(options.profile ?? profilePath(options.org));
  const storeConfig: StoreConfig = options.databaseUrl
    ? { kind: 'postgresql', url: options.databaseUrl }
    : { kind: 'embedded', dir: options.dir ?? join(dirname(profile.file), 'api', 'database') };
  say(`read model: ${storeConfig.kind === 'embedded' ? storeConfig.dir : redact(storeConfig.url)}`);

  const connection = profileConnection(profile, READER);
  const ledger = await connect(connection);
  const otherOrgPeer = otherOrgGateway(profile);
  if (options.crossCheck && !otherOrgPeer) throw new UsageError('--cross-check needs another member org with a peer');
  const crossCheckClient = options.crossCheck && otherOrgPeer ? await connect({ ...connection, gateways: [otherOrgPeer] }) : undefined;
  const store = await openStore(storeConfig);
  try {
    const indexerOptions = {
      source: ledger.blockSource(),
      store,
      chaincode: profile.chaincode,
      ...(profile.genesisBlockHash ? { genesisHash: profile.genesisBlockHash } : {}),
      ...(crossCheckClient && otherOrgPeer ? { crossCheck: { source: crossCheckClient.blockSource(), name: otherOrgPeer.endpoint } } : {}),
      log: (level: string, message: string) => say(level === 'info' ? message : `${level.toUpperCase()}: ${message}`),
    };
    const indexer = options.command === 'rebuild' ? await Indexer.rebuild(indexerOptions) : await Indexer.open(indexerOptions);
    const ledgerHeight = await ledger.blockSource().height();
    if (options.command === 'status') {
      say(`indexed ${indexer.height} of ${ledgerHeight} blocks (${ledgerHeight - indexer.height} behind); last block hash ${indexer.status().blockHash || '(none)'}`);
      return 0;
    }
    say(`${options.command === 'rebuild' ? 'rebuilding from genesis' : `resuming at block ${indexer.height}`}; the ledger has ${ledgerHeight} blocks`);
    const started = Date.now();
    await indexer.catchUp((height, target) => {
      if (height % options.progressEvery !== 0 && height !== target) return;
      const rate = height / Math.max(0.001, (Date.now() - started) / 1000);
      say(`indexed block ${height - 1} of ${target - 1} (${rate.toFixed(0)} blocks/s)`);
    });
    say(`caught up: ${indexer.height} blocks indexed`);
    if (options.command === 'run') await followUntilInterrupted(indexer);
    return 0;
  } finally {
    await store.close();
    ledger.close();
    crossCheckClient?.close();
  }
}

async function followUntilInterrupted(indexer: Indexer): Promise<void> {
  say('following new blocks; Ctrl-C to stop');
  indexer.start();
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    const poll = setInterval(() => {
      if (indexer.status().state === 'halted') {
        clearInterval(poll);
        resolve();
      }
    }, 500);
  });
  await indexer.stop();
  const status = indexer.status();
  if (status.state === 'halted') throw new Error(`indexing HALTED: ${status.error ?? ''}`);
  say(`stopped at ${status.height} blocks`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    const hint = err instanceof CheckpointError ? '' : err instanceof ChainBreakError ? ' (indexing HALTED: the chain does not verify)' : '';
    process.stderr.write(`[indexer] ERROR${hint}: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
