// The read model as a running service: its store, its indexer following the channel, and the
// queries over it. The API runs one in-process; the standalone command runs the same code.
import { BlockSource } from '@donation-ledger/client';
import { CheckpointError, Indexer, IndexerOptions } from './indexer';
import { ReadModel } from './read-model';
import { openStore, SqlStore, StoreConfig } from './sql';

export interface ReadModelOptions {
  readonly source: BlockSource;
  /** Where to open the store, or a store already open (which the service then leaves open). */
  readonly store: StoreConfig | SqlStore;
  readonly chaincode: string;
  /** Drop and index again from genesis (also what to do about a CheckpointError). */
  readonly rebuild?: boolean;
  readonly pollIntervalMs?: number;
  /** Another org's peer whose validation codes every block must match (see IndexerOptions). */
  readonly crossCheck?: IndexerOptions['crossCheck'];
  readonly genesisHash?: string;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface ReadModelService {
  readonly indexer: Indexer;
  readonly readModel: ReadModel;
  readonly store: SqlStore;
  /** Stops following the channel, then closes the store if the service opened it. */
  close(): Promise<void>;
}

/** Opens the store and the index (refusing a broken checkpoint unless asked to rebuild) and starts following. */
export async function startReadModel(options: ReadModelOptions): Promise<ReadModelService> {
  const owned = !isOpen(options.store);
  const store = isOpen(options.store) ? options.store : await openStore(options.store);
  try {
    const indexerOptions = { source: options.source, store, chaincode: options.chaincode, ...optional(options) };
    const indexer = options.rebuild ? await Indexer.rebuild(indexerOptions) : await Indexer.open(indexerOptions);
    indexer.start();
    return {
      indexer,
      store,
      readModel: new ReadModel(store, options.source.channel),
      close: async () => {
        await indexer.stop();
        if (owned) await store.close();
      },
    };
  } catch (err) {
    if (owned) await store.close();
    throw err;
  }
}

const isOpen = (store: StoreConfig | SqlStore): store is SqlStore => 'query' in store;

function optional(options: ReadModelOptions): Pick<IndexerOptions, 'pollIntervalMs' | 'log' | 'crossCheck' | 'genesisHash'> {
  return {
    ...(options.genesisHash ? { genesisHash: options.genesisHash } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.crossCheck ? { crossCheck: options.crossCheck } : {}),
  };
}

export { CheckpointError };
