// Reading and writing records, listing them a page at a time, and their history.
import { Context } from 'fabric-contract-api';
import { Iterators } from 'fabric-shim-api';
import { notFound } from './errors';
import { marshal, unmarshal } from './json';
import { key } from './keys';
import { Page, Revision } from './records';
import { isoTime } from './time';

export async function exists(ctx: Context, stateKey: string): Promise<boolean> {
  return (await ctx.stub.getState(stateKey)).length > 0;
}

/** The record of `type` with `id`, or NOT_FOUND naming `what`. */
export async function getRecord<T>(ctx: Context, type: string, id: string, what: string): Promise<T> {
  const bytes = await ctx.stub.getState(key(ctx.stub, type, id));
  if (bytes.length === 0) throw notFound(what, id);
  return unmarshal<T>(bytes);
}

export async function putRecord(ctx: Context, stateKey: string, record: unknown): Promise<void> {
  await ctx.stub.putState(stateKey, marshal(record));
}

/** Writes a record and emits its event with the record as payload: one event per state change. */
export async function write(ctx: Context, stateKey: string, record: unknown, event: string): Promise<string> {
  const bytes = marshal(record);
  await ctx.stub.putState(stateKey, bytes);
  ctx.stub.setEvent(event, bytes);
  return bytes.toString();
}

/** Index entries carry no data: the key is the information. */
export async function putIndex(ctx: Context, type: string, ...attributes: string[]): Promise<void> {
  await ctx.stub.putState(key(ctx.stub, type, ...attributes), Buffer.from([0]));
}

/** Every entry under a partial composite key, in key order (for use inside update transactions). */
export async function allEntries(ctx: Context, type: string, attributes: string[]): Promise<{ attributes: string[]; value: Uint8Array }[]> {
  return drain(ctx, await ctx.stub.getStateByPartialCompositeKey(type, attributes));
}

/**
 * One page of entries under a partial composite key, each turned into a record by `load`
 * (given the entry's key attributes and value). Pagination is only allowed in queries.
 */
export async function pageOf<T>(
  ctx: Context,
  type: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
  load: (attributes: string[], value: Uint8Array) => Promise<T> | T,
): Promise<Page<T>> {
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(type, attributes, pageSize, bookmark);
  const entries = await drain(ctx, iterator);
  const records: T[] = [];
  for (const entry of entries) records.push(await load(entry.attributes, entry.value));
  // The shim leaves out the metadata when the peer's is empty (an empty page).
  const next = (metadata as typeof metadata | undefined)?.bookmark ?? '';
  return { records, bookmark: entries.length < pageSize ? '' : next, fetchedCount: entries.length };
}

async function drain(ctx: Context, iterator: Iterators.StateQueryIterator): Promise<{ attributes: string[]; value: Uint8Array }[]> {
  const entries: { attributes: string[]; value: Uint8Array }[] = [];
  await visitUntil(ctx, iterator, (entry) => {
    entries.push(entry);
    return Promise.resolve(true);
  });
  return entries;
}

/**
 * Visits the entries under a partial composite key in key order while `visit` says to go on, and
 * reads no further: what a transaction does not visit is not in its read set (beyond the batch
 * the peer fetched), so later keys written meanwhile do not conflict with it.
 */
export async function visitEntries(
  ctx: Context, type: string, attributes: string[], visit: (entry: { attributes: string[]; value: Uint8Array }) => Promise<boolean>,
): Promise<void> {
  await visitUntil(ctx, await ctx.stub.getStateByPartialCompositeKey(type, attributes), visit);
}

async function visitUntil(
  ctx: Context, iterator: Iterators.StateQueryIterator, visit: (entry: { attributes: string[]; value: Uint8Array }) => Promise<boolean>,
): Promise<void> {
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (!(await visit({ attributes: ctx.stub.splitCompositeKey(next.value.key).attributes, value: next.value.value }))) break;
    }
  } finally {
    await iterator.close();
  }
}

/** Every revision of a key, oldest first, with the transaction that wrote it. */
export async function historyOf(ctx: Context, stateKey: string): Promise<Revision[]> {
  const iterator = await ctx.stub.getHistoryForKey(stateKey);
  const revisions: Revision[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const m = next.value;
      revisions.push({
        txId: m.txId,
        timestamp: isoTime(m.timestamp),
        isDelete: m.isDelete,
        value: m.isDelete || m.value.length === 0 ? null : unmarshal<unknown>(m.value),
      });
    }
  } finally {
    await iterator.close();
  }
  // The history database returns newest first; an audit reads oldest first.
  return revisions.reverse();
}
