// What the chaincode answers must not change byte for byte: every endorser has to produce the
// same response, and clients parse it. The golden file holds the responses of the contracts as
// they were before their metadata was typed (recorded from commit "wire golden"); the scenario
// runs each call through fabric-shim's own dispatcher and serializer, as the chaincode server does.
// The fake first: it quiets fabric-contract-api's logging before the contracts load.
import './test-support/fake-context';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as chaincode from './index';
import { InProcessPeer } from './test-support/peer';
import { Exchange, runScenario } from './test-support/scenario';

const GOLDEN = join(__dirname, 'test-support', 'wire-golden.json');

describe('the bytes on the wire', () => {
  let exchanges: Exchange[];
  beforeAll(async () => {
    exchanges = await runScenario(new InProcessPeer(chaincode.contracts, InProcessPeer.serializersOf(chaincode)));
  });

  test('every argument and response, error messages included, is byte for byte what the contracts answered before', () => {
    // Only ever written by hand, from a commit whose wire format is the one to keep.
    if (process.env.RECORD_WIRE_GOLDEN === '1' && !existsSync(GOLDEN)) writeFileSync(GOLDEN, `${JSON.stringify(exchanges, null, 1)}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Exchange[];
    expect(golden.length).toBeGreaterThan(50);
    expect(exchanges).toHaveLength(golden.length);
    exchanges.forEach((exchange, i) => expect(exchange).toEqual(golden[i]));
  });

  test('the scenario calls every transaction of both contracts successfully, and some calls fail', () => {
    const succeeded = new Set(exchanges.filter((e) => e.response.status === 200).map((e) => e.fn.replace(/^Governance:/, '')));
    for (const contract of chaincode.contracts) {
      const names = Object.getOwnPropertyNames(contract.prototype).filter((n) => /^[A-Z]/.test(n));
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) expect([name, succeeded.has(name)]).toEqual([name, true]);
    }
    expect(exchanges.filter((e) => e.response.status !== 200).length).toBeGreaterThanOrEqual(6);
  });
});
