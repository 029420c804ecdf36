// The API's view of the read model: whether it is available, and read-your-writes (a reader
// may ask to wait until the indexer has reached the block or transaction its write landed in).
import { LedgerClient } from '@donation-ledger/client';
import { IndexerStatus, IndexerTimeoutError, ReadModel, ReadModelService } from '@donation-ledger/indexer';
import { ApiError } from './problems';

export interface ReadAfter {
  readonly minBlock?: number | undefined;
  readonly afterTx?: string | undefined;
}

/** Reads waiting for the indexer at once; more are refused rather than queued without bound. */
export const MAX_WAITING_READS = 200;

export class ReadModelAccess {
  private waiting = 0;

  constructor(
    private readonly service: ReadModelService | undefined,
    /** Why there is no read model (turned off, or its checkpoint is broken). */
    private readonly unavailable: string | undefined,
    private readonly waitMs: number,
    /** Asks the ledger whether it holds a transaction (afterTx of an unknown one is a 404 at once). */
    private readonly ledger: Pick<LedgerClient, 'hasTransaction'>,
  ) {}

  /** The read model, once it has indexed what `after` asks for. */
  async ready(after: ReadAfter = {}): Promise<ReadModel> {
    const service = this.require();
    const status = service.indexer.status();
    if (status.state === 'halted') throw new ApiError(503, 'READ_MODEL_HALTED', `the read model stopped at block ${status.height - 1}: ${status.error ?? ''}`);
    try {
      const minBlock = after.minBlock;
      if (minBlock !== undefined && service.indexer.height <= minBlock) {
        // A block the ledger itself does not have is the caller's mistake, answered now.
        const ledgerHeight = await service.indexer.ledgerHeight();
        if (minBlock >= ledgerHeight) throw new ApiError(400, 'INVALID_ARGUMENT', `minBlock ${minBlock} is not on the ledger: it has blocks 0 to ${ledgerHeight - 1}`);
        await this.bounded(() => service.indexer.waitForBlock(minBlock, this.waitMs));
      }
      if (after.afterTx !== undefined) {
        const txId = after.afterTx;
        await service.indexer.waitForTransaction(txId, 0).catch(onlyTimeouts(async () => {
          // Only a transaction the ledger has will ever be indexed: anything else is answered now.
          if (!(await this.ledger.hasTransaction(txId))) {
            throw new ApiError(404, 'NOT_FOUND', `transaction ${txId} is not on the ledger: afterTx waits only for one the ledger has and the read model has not indexed yet`);
          }
          await this.bounded(() => service.indexer.waitForTransaction(txId, this.waitMs));
        }));
      }
    } catch (err) {
      if (!(err instanceof IndexerTimeoutError)) throw err;
      throw new ApiError(504, 'READ_MODEL_BEHIND', `${err.message}; try again shortly`);
    }
    return service.readModel;
  }

  /** Runs a wait unless too many already wait (each holds a request and a timer). */
  private async bounded<T>(wait: () => Promise<T>): Promise<T> {
    if (this.waiting >= MAX_WAITING_READS) {
      throw new ApiError(503, 'READ_MODEL_BUSY', `${MAX_WAITING_READS} reads already wait for the indexer; try again shortly, or read without minBlock/afterTx`);
    }
    this.waiting++;
    try {
      return await wait();
    } finally {
      this.waiting--;
    }
  }

  status(): IndexerStatus | { state: 'unavailable'; reason: string } {
    if (!this.service) return { state: 'unavailable', reason: this.unavailable ?? 'the read model is turned off' };
    return { ...this.service.indexer.status() };
  }

  private require(): ReadModelService {
    if (!this.service) throw new ApiError(503, 'READ_MODEL_UNAVAILABLE', this.unavailable ?? 'the read model is turned off (INDEXER=off)');
    return this.service;
  }
}

/** A handler for a zero-timeout wait's rejection: a timeout means "not yet", anything else is an error. */
function onlyTimeouts(notYet: () => Promise<unknown>): (err: unknown) => Promise<unknown> {
  return async (err) => {
    if (err instanceof IndexerTimeoutError) return notYet();
    throw err;
  };
}
