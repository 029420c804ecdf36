// Stops every process the test network started. Its state stays in test-artifacts/network
// (logs included) for inspection; the next run cleans it first.
import { cli, NETWORK_ARGS } from './harness';

export default function globalTeardown(): void {
  cli(['down', ...NETWORK_ARGS], { inherit: true });
}
