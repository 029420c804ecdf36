// The smallest possible write transaction, for benchmarks: one blind write, no reads. It lets a
// benchmark tell what Fabric costs from what the donation rules cost. Writes land under their own
// key type, so they can never touch the ledger's records.
import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { callerOf } from './access';
import { forbidden, invalid } from './errors';
import { requireId } from './validation';

const BENCH_KEY = 'bench';

@Info({ title: 'Baseline', description: 'A blind write, to measure the cost of the platform itself' })
export class BaselineContract extends Contract {
  constructor() {
    super('Baseline');
  }

  /** Writes `value` (at most 64 bytes) under `key`, reading nothing. Caller: any enrolled client of a member org. */
  @Transaction()
  async Put(ctx: Context, key: string, value: string): Promise<void> {
    const caller = callerOf(ctx);
    if (!caller.role && !caller.isOrgAdmin) throw forbidden('only users of a member org may write benchmark keys');
    if (typeof value !== 'string' || value.length > 64) throw invalid('value must be at most 64 characters');
    await ctx.stub.putState(ctx.stub.createCompositeKey(BENCH_KEY, [requireId('key', key)]), Buffer.from(value));
  }
}
