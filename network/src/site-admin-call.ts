// The process an org's site runs, as the site's Unix user, to make Governance calls with the org
// admin's key (which only that user may read): started by site-admin-client.ts, it reads the
// connection profile from the first line on stdin, then answers one call per line until stdin ends.
import { createInterface } from 'node:readline';
import { connect, LedgerClient } from '@donation-ledger/client';
import { CallAnswer, failureOf, GOVERNANCE_CALLS, isGovernanceMethod } from './site-admin-client';
import { ClientProfile } from './profiles';

async function main(): Promise<void> {
  let client: LedgerClient | undefined;
  let queue = Promise.resolve();
  const answer = (message: CallAnswer): void => {
    process.stdout.write(`${JSON.stringify(message)}\n`);
  };
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const message = JSON.parse(line) as { profile?: ClientProfile; id?: number; method?: unknown; args?: unknown[] };
    if (message.profile) {
      client = await connect(message.profile);
      continue;
    }
    const { id, method, args } = message;
    if (typeof id !== 'number') continue;
    // One call at a time, in order, as the caller made them.
    queue = queue.then(async () => {
      try {
        if (!client) throw new Error('no connection profile was sent');
        if (!isGovernanceMethod(method)) throw new Error(`not a governance call: ${String(method)}`);
        const call = GOVERNANCE_CALLS[method] as (c: LedgerClient, a: unknown[]) => Promise<unknown>;
        answer({ id, result: await call(client, args ?? []) });
      } catch (err) {
        answer({ id, failure: failureOf(err) });
      }
    });
  }
  await queue;
  client?.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
