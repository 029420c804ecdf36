// Time comes from the transaction, never the clock, so every endorser computes the same record.
import { Context } from 'fabric-contract-api';
import { Timestamp } from 'fabric-shim-api';

/** A protobuf timestamp as ISO 8601 (millisecond precision, UTC). */
export function isoTime(ts: Timestamp): string {
  const millis = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
  return new Date(millis).toISOString();
}

/** The time the client put in the transaction proposal: the same for every endorser. */
export function txTime(ctx: Context): string {
  return isoTime(ctx.stub.getTxTimestamp());
}
