// Starts the test network from nothing: clean, then up (CAs, orderers, peers, channel, chaincode).
import { cli, NETWORK_ARGS } from './harness';

export default function globalSetup(): void {
  process.stderr.write('\n[integration] starting a fresh Fabric network for the tests\n');
  const cleaned = cli(['clean', ...NETWORK_ARGS], { inherit: true });
  if (cleaned.status !== 0) throw new Error('could not clean the previous test network');
  const started = cli(['up', ...NETWORK_ARGS], { inherit: true });
  if (started.status !== 0) {
    // Jest skips the global teardown when setup fails: stop what was started here.
    cli(['down', ...NETWORK_ARGS], { inherit: true });
    throw new Error('the test network did not come up; see the [network] lines above and test-artifacts/network/logs');
  }
}
