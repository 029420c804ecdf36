// The embedded store's maintenance: PGlite runs no autovacuum, so without it the planner never
// learns the tables' sizes and answers a page of a big NGO by sorting all its donations.
import { ReadModel } from './read-model';
import { createSchema } from './schema';
import { SqlStore } from './sql';
import { openScratchStore } from './test-support/scratch-store';

const PAGE_OF_ONE_NGO = `explain select record_id, value from records where record_type = 'donation' and value->>'ngoId' = 'big'
  order by record_id limit 21`;

describe('the embedded read model, maintained', () => {
  let store: SqlStore;

  beforeAll(async () => {
    store = await openScratchStore();
    await createSchema(store);
    // 3,000 donations of one NGO, 3,000 of another, and the checkpoint.
    await store.query(`insert into records (record_type, record_id, value, block, tx_index, tx_id)
      select 'donation', 'd-' || lpad(i::text, 5, '0'), jsonb_build_object('id', 'd-' || i, 'ngoId', case when i % 2 = 0 then 'big' else 'other' end), i, 0, 'tx-' || i
      from generate_series(1, 6000) i`);
    await store.query(`insert into indexer_meta (key, value) values ('last_block', '6000')`);
  });

  afterAll(async () => {
    await store.close();
  });

  test('once maintained, a page of one NGO walks its index in order and stops, instead of sorting all its donations', async () => {
    const plan = async (): Promise<string> => (await store.query<{ 'QUERY PLAN': string }>(PAGE_OF_ONE_NGO)).map((row) => row['QUERY PLAN']).join('\n');
    await store.maintain(['records']);
    const maintained = await plan();
    expect(maintained).toContain('Index Scan using records_by_ngo');
    expect(maintained).not.toContain('Sort');
  });

  test('a page and its checkpoint come from one statement: 20 rows in ID order, the next cursor, the block', async () => {
    const model = new ReadModel(store, 'donations');
    const first = await model.list('donation', { ngoId: 'big' }, { limit: 20 });
    expect(first.items).toHaveLength(20);
    expect(first.items[0]).toEqual({ id: 'd-2', ngoId: 'big' });
    expect(first.asOfBlock).toBe(6000);
    const second = await model.list('donation', { ngoId: 'big' }, { limit: 20, after: first.next ?? '' });
    expect(second.items[0]).toEqual({ id: 'd-42', ngoId: 'big' });
    expect(await model.list('donation', { ngoId: 'nobody' })).toEqual({ items: [], next: null, asOfBlock: 6000 });
    expect((await model.get('donation', 'd-00007')).value).toEqual({ id: 'd-7', ngoId: 'other' });
  });
});
