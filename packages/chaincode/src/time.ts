// Time comes from the transaction, never the clock, so every endorser computes the same record.
// The client chooses that time, though, so each endorser first checks it against its own clock:
// a proposal dated outside the window is refused (CLOCK_SKEW). Campaign windows, pledge expiry
// and vote deadlines rely on this bound; the endorsement policy makes several peers agree to it.
import { Context } from 'fabric-contract-api';
import { Timestamp } from 'fabric-shim-api';
import { LedgerError, ErrorCode } from './errors';

/** How far a transaction's time may be from the endorsing peer's clock, unless configured. */
export const DEFAULT_TIME_WINDOW_SECONDS = 300;

/** The chaincode server's setting for the window, in seconds (1 to 3600). */
export const TIME_WINDOW_VARIABLE = 'LEDGER_TX_TIME_WINDOW_SECONDS';

/** The endorsing peer's clock; unit tests replace it with the fake ledger's. */
export const peerClock = { now: (): number => Date.now() };

/** The window from the chaincode server's environment; a bad value stops the server at start. */
export function timeWindowMillis(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[TIME_WINDOW_VARIABLE];
  if (text === undefined || text === '') return DEFAULT_TIME_WINDOW_SECONDS * 1000;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 3600) {
    throw new Error(`${TIME_WINDOW_VARIABLE} must be a whole number of seconds from 1 to 3600, got ${JSON.stringify(text)}`);
  }
  return Number(text) * 1000;
}

const TIME_WINDOW_MILLIS = timeWindowMillis();

/** A protobuf timestamp as ISO 8601 (millisecond precision, UTC). */
export function isoTime(ts: Timestamp): string {
  return new Date(millisOf(ts)).toISOString();
}

/**
 * The time the client put in the transaction proposal (the same for every endorser), once this
 * peer has found it within the window of its own clock.
 */
export function txTime(ctx: Context): string {
  const millis = millisOf(ctx.stub.getTxTimestamp());
  const skew = millis - peerClock.now();
  if (Math.abs(skew) > TIME_WINDOW_MILLIS) {
    const direction = skew < 0 ? 'behind' : 'ahead of';
    throw new LedgerError(
      ErrorCode.ClockSkew,
      `the transaction is dated ${new Date(millis).toISOString()}, ${Math.round(Math.abs(skew) / 1000)} s ${direction} the endorsing peer's clock; ` +
        `at most ${TIME_WINDOW_MILLIS / 1000} s are allowed (check the client's clock)`,
    );
  }
  return new Date(millis).toISOString();
}

function millisOf(ts: Timestamp): number {
  return Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
}
