// The API's view of the read model: whether it is available, and read-your-writes (a reader
// may ask to wait until the indexer has reached the block or transaction its write landed in).
import { IndexerTimeoutError, ReadModel, ReadModelService } from '@donation-ledger/indexer';
import { ApiError } from './problems';

export interface ReadAfter {
  readonly minBlock?: number | undefined;
  readonly afterTx?: string | undefined;
}

export class ReadModelAccess {
  constructor(
    private readonly service: ReadModelService | undefined,
    /** Why there is no read model (turned off, or its checkpoint is broken). */
    private readonly unavailable: string | undefined,
    private readonly waitMs: number,
  ) {}

  /** The read model, once it has indexed what `after` asks for. */
  async ready(after: ReadAfter = {}): Promise<ReadModel> {
    const service = this.require();
    const status = service.indexer.status();
    if (status.state === 'halted') throw new ApiError(503, 'READ_MODEL_HALTED', `the read model stopped at block ${status.height - 1}: ${status.error ?? ''}`);
    try {
      if (after.minBlock !== undefined) await service.indexer.waitForBlock(after.minBlock, this.waitMs);
      if (after.afterTx !== undefined) await service.indexer.waitForTransaction(after.afterTx, this.waitMs);
    } catch (err) {
      if (!(err instanceof IndexerTimeoutError)) throw err;
      // A block the ledger itself does not have is the caller's mistake, not a slow indexer.
      const ledgerHeight = after.minBlock === undefined ? undefined : await service.indexer.ledgerHeight().catch(() => undefined);
      if (ledgerHeight !== undefined && after.minBlock !== undefined && after.minBlock >= ledgerHeight) {
        throw new ApiError(400, 'INVALID_ARGUMENT', `minBlock ${after.minBlock} is not on the ledger: it has blocks 0 to ${ledgerHeight - 1}`);
      }
      const hint = after.afterTx !== undefined ? ' (a transaction ID that is not on the ledger never will be)' : '';
      throw new ApiError(504, 'READ_MODEL_BEHIND', `${err.message}; try again shortly${hint}`);
    }
    return service.readModel;
  }

  status(): Record<string, unknown> {
    if (!this.service) return { state: 'unavailable', reason: this.unavailable ?? 'the read model is turned off' };
    return { ...this.service.indexer.status() };
  }

  private require(): ReadModelService {
    if (!this.service) throw new ApiError(503, 'READ_MODEL_UNAVAILABLE', this.unavailable ?? 'the read model is turned off (INDEXER=off)');
    return this.service;
  }
}
