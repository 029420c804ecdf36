// An in-memory ledger for unit tests of contracts, with the parts of Fabric's semantics the
// contracts rely on: a transaction's writes are kept only when it succeeds (and are not visible
// to its own reads), its time is the proposal's timestamp, and one event survives per transaction.
// Not part of the build (see tsconfig.json).
import { Context } from 'fabric-contract-api';
import { ChaincodeStub, ClientIdentity, Iterators, SplitCompositekey, StateQueryResponse, Timestamp } from 'fabric-shim-api';
import { LedgerError } from '../errors';
import { peerClock } from '../time';

// fabric-contract-api logs every decorator at info when a contract module loads; a test file
// that imports this module before its contracts is spared that noise.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';

/** Who calls: an enrolled identity of an org, admin (hf.Type admin) or not. */
export interface FakeIdentity {
  readonly mspId: string;
  readonly admin?: boolean;
  readonly role?: string;
  /** NGO staff: the NGO their certificate names. */
  readonly ngoId?: string;
  readonly name?: string;
}

/** The LedgerError code a call fails with; undefined when it succeeds. */
export async function codeOf(result: Promise<unknown>): Promise<string | undefined> {
  try {
    await result;
    return undefined;
  } catch (err) {
    return err instanceof LedgerError ? err.code : `not a LedgerError: ${String(err)}`;
  }
}

export interface FakeEvent {
  readonly name: string;
  readonly payload: unknown;
}

interface Revision {
  readonly txId: string;
  readonly millis: number;
  readonly value: Uint8Array | undefined;
}

// As fabric-shim builds composite keys.
const NS = '\u0000';
const SEP = '\u0000';

export class FakeLedger {
  private readonly state = new Map<string, Uint8Array>();
  private readonly history = new Map<string, Revision[]>();
  /** Key-level endorsement policies (state-based endorsement), as the contract set them. */
  readonly keyPolicies = new Map<string, Uint8Array>();
  private txCount = 0;
  /** Committed events, one per successful transaction that set one. */
  readonly events: FakeEvent[] = [];
  /** The endorsing peer's clock, in milliseconds since the epoch. */
  now = Date.parse('2026-01-01T00:00:00.000Z');
  /** How far the client's clock is off: the next transaction is dated `now + clientClockError`. */
  clientClockError = 0;

  constructor() {
    // The contract checks each transaction's time against the peer's clock: this ledger's.
    peerClock.now = () => this.now;
  }

  advanceHours(hours: number): void {
    this.now += hours * 3_600_000;
  }

  /** How many keys the last submitted transaction read (single reads and range results): its read set. */
  lastReads = 0;

  /** Runs a transaction; its writes and event are committed only if it resolves. */
  async submit<T>(identity: FakeIdentity, run: (ctx: Context) => Promise<T>): Promise<T> {
    const tx = new FakeTransaction(this.state, this.history, this.keyPolicies, `tx${++this.txCount}`, this.now + this.clientClockError, identity);
    try {
      const result = await run(tx.context);
      tx.commit(this.events);
      return result;
    } finally {
      this.lastReads = tx.reads;
    }
  }

  /** Runs a query: nothing it writes is kept. */
  async evaluate<T>(identity: FakeIdentity, run: (ctx: Context) => Promise<T>): Promise<T> {
    const tx = new FakeTransaction(this.state, this.history, this.keyPolicies, `q${++this.txCount}`, this.now + this.clientClockError, identity);
    return run(tx.context);
  }
}

class FakeTransaction {
  private readonly writes = new Map<string, Uint8Array | undefined>();
  private readonly policyWrites = new Map<string, Uint8Array>();
  private event: FakeEvent | undefined;
  readonly context: Context;
  reads = 0;

  constructor(
    private readonly state: Map<string, Uint8Array>,
    private readonly history: Map<string, Revision[]>,
    private readonly keyPolicies: Map<string, Uint8Array>,
    private readonly txId: string,
    private readonly millis: number,
    identity: FakeIdentity,
  ) {
    this.context = { stub: this.stub(), clientIdentity: fakeIdentity(identity) } as Context;
  }

  commit(events: FakeEvent[]): void {
    for (const [stateKey, value] of this.writes) {
      if (value === undefined) this.state.delete(stateKey);
      else this.state.set(stateKey, value);
      this.history.set(stateKey, [...(this.history.get(stateKey) ?? []), { txId: this.txId, millis: this.millis, value }]);
    }
    for (const [stateKey, policy] of this.policyWrites) this.keyPolicies.set(stateKey, policy);
    if (this.event) events.push(this.event);
  }

  private stub(): ChaincodeStub {
    const stub: Partial<ChaincodeStub> = {
      getTxID: () => this.txId,
      getTxTimestamp: () => timestampOf(this.millis),
      // Fabric reads committed state only: a transaction does not see its own writes.
      getState: (stateKey: string) => {
        this.reads++;
        return Promise.resolve(this.state.get(stateKey) ?? new Uint8Array());
      },
      putState: (stateKey: string, value: Uint8Array) => {
        this.writes.set(stateKey, value);
        return Promise.resolve();
      },
      setStateValidationParameter: (stateKey: string, policy: Uint8Array) => {
        this.policyWrites.set(stateKey, policy);
        return Promise.resolve();
      },
      getStateValidationParameter: (stateKey: string) => Promise.resolve(this.keyPolicies.get(stateKey) ?? new Uint8Array()),
      deleteState: (stateKey: string) => {
        this.writes.set(stateKey, undefined);
        return Promise.resolve();
      },
      setEvent: (name: string, payload: Uint8Array) => {
        // Fabric keeps only the last event a transaction sets.
        this.event = { name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) as unknown };
      },
      createCompositeKey: (objectType: string, attributes: string[]) => NS + [objectType, ...attributes].map((a) => a + SEP).join(''),
      splitCompositeKey: (compositeKey: string): SplitCompositekey => {
        const [objectType = '', ...attributes] = compositeKey.slice(1).split(SEP).slice(0, -1);
        return { objectType, attributes };
      },
      getStateByPartialCompositeKey: ((objectType: string, attributes: string[]) =>
        Promise.resolve(this.counted(iteratorOf(this.entriesFrom(objectType, attributes))))) as ChaincodeStub['getStateByPartialCompositeKey'],
      getStateByPartialCompositeKeyWithPagination: ((objectType: string, attributes: string[], pageSize: number, bookmark = '') => {
        const all = this.entriesFrom(objectType, attributes).filter(([k]) => bookmark === '' || k >= bookmark);
        const page = all.slice(0, pageSize);
        // Like the peer: the bookmark is the key the next page starts at.
        const response: StateQueryResponse<Iterators.StateQueryIterator> = {
          iterator: this.counted(iteratorOf(page)),
          metadata: { fetchedRecordsCount: page.length, bookmark: all[pageSize]?.[0] ?? '' },
        };
        return Promise.resolve(response);
      }) as ChaincodeStub['getStateByPartialCompositeKeyWithPagination'],
      getHistoryForKey: ((stateKey: string) => {
        // The history database returns newest first.
        const modifications = [...(this.history.get(stateKey) ?? [])].reverse().map(
          (r): Iterators.KeyModification => ({
            txId: r.txId, timestamp: timestampOf(r.millis), isDelete: r.value === undefined, value: r.value ?? new Uint8Array(),
          }),
        );
        return Promise.resolve(listIterator(modifications));
      }) as ChaincodeStub['getHistoryForKey'],
    };
    return stub as ChaincodeStub;
  }

  /** Counts each entry a range iterator hands out: what the caller read, not what the range holds. */
  private counted(iterator: Iterators.StateQueryIterator): Iterators.StateQueryIterator {
    return {
      next: async () => {
        const next = await iterator.next();
        if (!next.done) this.reads++;
        return next;
      },
      close: () => iterator.close(),
    };
  }

  private entriesFrom(objectType: string, attributes: string[]): [string, Uint8Array][] {
    const prefix = NS + [objectType, ...attributes].map((a) => a + SEP).join('');
    return [...this.state].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

function fakeIdentity(identity: FakeIdentity): ClientIdentity {
  const attributes: Record<string, string | undefined> = { 'hf.Type': identity.admin ? 'admin' : 'client', role: identity.role, ngoId: identity.ngoId };
  const name = identity.name ?? (identity.admin ? 'admin' : 'user');
  return {
    getMSPID: () => identity.mspId,
    getID: () => `x509::/CN=${name}::/CN=ca.${identity.mspId}`,
    getIDBytes: () => new Uint8Array(),
    getAttributeValue: (attribute: string) => attributes[attribute] ?? null,
    assertAttributeValue: (attribute: string, value: string) => attributes[attribute] === value,
  };
}

function timestampOf(millis: number): Timestamp {
  // The contract reads seconds with Number(), which a Long and a number both satisfy.
  return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 } as unknown as Timestamp;
}

function iteratorOf(entries: [string, Uint8Array][]): Iterators.StateQueryIterator {
  return listIterator(entries.map(([k, value]): Iterators.KV => ({ namespace: 'donations', key: k, value })));
}

function listIterator<T>(items: T[]): Iterators.CommonIterator<T> {
  let next = 0;
  return {
    next: () => Promise.resolve(next < items.length ? { value: items[next++] as T, done: false } : { value: undefined as T, done: true }),
    close: () => Promise.resolve(),
  };
}
