// Self-healing: the supervisor `up` starts restarts a node that dies, and leaves alone a node
// stopped on purpose until the next `up`.
import { readFileSync } from 'node:fs';
import { NodeStatus } from '@donation-ledger/network';
import { cli, NETWORK_ARGS, paths } from './harness';

const statusOf = (): NodeStatus[] => JSON.parse(cli(['status', '--json', ...NETWORK_ARGS]).stdout) as NodeStatus[];
const nodeOf = (id: string): NodeStatus | undefined => statusOf().find((n) => n.id === id);

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the supervisor', () => {
  afterAll(() => {
    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
  });

  test('a chaincode server that dies is restarted, and the restart is counted', async () => {
    const before = nodeOf('ccaas.ngo')?.restarts ?? 0;
    process.kill(Number(readFileSync(paths().pid('ccaas.ngo'), 'utf8').split('\n')[0]), 'SIGKILL');
    await until('ccaas.ngo to be restarted', () => {
      const node = nodeOf('ccaas.ngo');
      return node !== undefined && node.healthy && node.restarts === before + 1;
    });
  });

  test('a node stopped with `stop` stays stopped until `up`', async () => {
    expect(cli(['stop', 'ccaas.donorplatform', ...NETWORK_ARGS]).status).toBe(0);
    await new Promise((r) => setTimeout(r, 3000)); // several supervisor rounds
    const stopped = nodeOf('ccaas.donorplatform');
    expect([stopped?.pid, stopped?.healthy]).toEqual([undefined, false]); // JSON leaves out an absent pid
    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
    await until('ccaas.donorplatform to run again', () => nodeOf('ccaas.donorplatform')?.healthy === true);
  });
});
