#!/usr/bin/env node
// verify-receipt <file> [--genesis-hash <hex>]: checks a donation receipt offline and prints
// each check. Exit 0: valid; 1: invalid (tampered, or not proven); 2: usage, or a file that is
// not a receipt this verifier reads.
import { readFileSync } from 'node:fs';
import { MalformedReceiptError, parseReceipt } from './receipt';
import { verifyReceipt } from './verify';

const USAGE = 'usage: verify-receipt <receipt.json> [--genesis-hash <hex>]';

interface Arguments {
  readonly file: string;
  readonly genesisHash?: string;
}

function parseArguments(argv: readonly string[]): Arguments | string {
  let file: string | undefined;
  let genesisHash: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--genesis-hash') {
      genesisHash = argv[++i];
      if (!genesisHash || !/^[0-9a-fA-F]{64}$/.test(genesisHash)) return '--genesis-hash needs the 64 hex digits of a SHA-256 hash';
    } else if (arg === '--help' || arg === '-h') {
      return USAGE;
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}`;
    } else if (file === undefined) {
      file = arg;
    } else {
      return 'only one receipt file at a time';
    }
  }
  if (file === undefined) return 'which receipt? name its file';
  return genesisHash ? { file, genesisHash } : { file };
}

function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MalformedReceiptError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedReceiptError(`${file} is not JSON`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArguments(argv);
  if (typeof args === 'string') {
    console.error(args === USAGE ? USAGE : `verify-receipt: ${args}\n${USAGE}`);
    return 2;
  }
  let document: unknown;
  try {
    document = readDocument(args.file);
    parseReceipt(document);
  } catch (err) {
    if (!(err instanceof MalformedReceiptError)) throw err;
    console.error(`verify-receipt: not a receipt: ${err.message}`);
    return 2;
  }
  const result = await verifyReceipt(document, args.genesisHash ? { trustedGenesisHash: args.genesisHash } : {});
  for (const check of result.checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.subject}: ${check.id}: ${check.detail}`);
  if (!result.ok) {
    console.log(`\nINVALID: ${result.failure.subject}: ${result.failure.detail}`);
    return 1;
  }
  const flags = result.transactions.map((t) => `${t.role} ${t.txId} ${t.validationCode.name}`).join(', ');
  console.log(`\nVALID: the receipt's blocks are signed by the channel's orderers and hold the donation as written.` +
    `\nValidation flags (${flags}) are ${result.transactions[0]?.validationCode.note ?? ''}.` +
    (result.anchored ? '' : `\nGenesis hash ${result.genesisHash} was not compared with a trusted one: pass --genesis-hash <the hash the consortium publishes>.`));
  return 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(`verify-receipt: ${(err as Error).message}`);
  process.exit(2);
});
