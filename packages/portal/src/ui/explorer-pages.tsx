// The explorer, for operators and auditors (any logged-in user): the newest blocks, one block's
// transactions with their validation codes and creators, what a config block changed, and the
// history of every record a transaction wrote, each revision linked back to its block.
import type { ExplorerBlock, ExplorerBlockDetail } from '@donation-ledger/model';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { hrefOf } from '../lib/router';
import { useLoad, useTitle } from './hooks';
import { Status } from './public-pages';
import { useSession } from './session';

const PAGE = 20;

export function ExplorerPage() {
  useTitle('Explorer');
  const [before, setBefore] = useState<number | undefined>(undefined);
  const blocks = useLoad(() => api<{ rows: ExplorerBlock[]; asOfBlock: number }>('GET', `/api/explorer/blocks?limit=${PAGE}${before === undefined ? '' : `&before=${before}`}`), [before]);
  const last = blocks.data?.rows[blocks.data.rows.length - 1];
  return (
    <LoginRequired title="Explorer">
      <p class="lead">The blocks of the channel as this org's read model has them{blocks.data ? `, up to block ${blocks.data.asOfBlock}` : ''}. Validation codes are each peer's decision; the orderers sign the blocks' contents.</p>
      <Status loaded={blocks} />
      {blocks.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Blocks">
          <table id="blocks">
            <thead><tr><th scope="col">Block</th><th scope="col">Transactions</th><th scope="col">Invalid</th><th scope="col">Kind</th><th scope="col">Time</th><th scope="col">Header hash</th></tr></thead>
            <tbody>
              {blocks.data.rows.map((b) => (
                <tr key={b.number}>
                  <td><a href={hrefOf({ page: 'block', number: b.number })}>{b.number}</a></td>
                  <td class="num">{b.txCount}</td><td class="num">{b.invalid}</td><td>{b.isConfig ? 'config' : 'transactions'}</td>
                  <td>{b.timestamp?.replace('T', ' ').slice(0, 19) ?? ''}</td><td><code class="hash" title={b.headerHash}>{b.headerHash.slice(0, 16)}…</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        {before !== undefined && <button type="button" onClick={() => setBefore(undefined)}>Newest blocks</button>}{' '}
        {last && last.number > 0 && <button type="button" onClick={() => setBefore(last.number)}>Older blocks</button>}
      </p>
    </LoginRequired>
  );
}

export function BlockPage({ number }: { number: number }) {
  useTitle(`Block ${number}`);
  const block = useLoad(() => api<ExplorerBlockDetail>('GET', `/api/explorer/blocks/${number}`), [number]);
  return (
    <LoginRequired title={`Block ${number}`}>
      <Status loaded={block} />
      {block.data && (
        <>
          <dl class="hashes">
            <dt>Header hash</dt><dd><code>{block.data.headerHash}</code></dd>
            <dt>Previous block's hash</dt><dd><code>{block.data.previousHash}</code> {number > 0 && <a href={hrefOf({ page: 'block', number: number - 1 })}>block {number - 1}</a>}</dd>
            <dt>Data hash</dt><dd><code>{block.data.dataHash}</code></dd>
          </dl>
          <h2>{block.data.txCount} transaction{block.data.txCount === 1 ? '' : 's'}</h2>
          <ol class="transactions">
            {block.data.transactions.map((t) => (
              <li key={t.index}>
                <p><strong>{t.function ?? t.type}</strong> by {t.creatorMspId || 'the ordering service'}: <span class={t.validationCode === 'VALID' ? 'ok' : 'error'}>{t.validationCode}</span>
                  {t.timestamp ? ` at ${t.timestamp.replace('T', ' ').slice(0, 19)}` : ''}</p>
                <p class="hint">Transaction <code>{t.txId || '(none)'}</code>{t.chaincode ? `, chaincode ${t.chaincode}` : ''}</p>
                {t.configChanges && <ul class="config-changes" aria-label="What this config block changed">{t.configChanges.map((c) => <li key={c}>{c}</li>)}</ul>}
                {t.records.length > 0 && (
                  <p>Wrote: {t.records.map((r, i) => (
                    <span key={`${r.recordType}/${r.recordId}`}>{i > 0 ? ', ' : ''}<a href={hrefOf({ page: 'history', recordType: r.recordType, recordId: r.recordId })}>{r.recordType} {r.recordId}</a></span>
                  ))}</p>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </LoginRequired>
  );
}

interface Revision {
  readonly block: number;
  readonly txId: string;
  readonly timestamp: string | null;
  readonly validationCode: string;
  readonly isDelete: boolean;
  readonly value: unknown;
}

export function HistoryPage({ recordType, recordId }: { recordType: string; recordId: string }) {
  useTitle(`History of ${recordType} ${recordId}`);
  const history = useLoad(() => api<{ rows: Revision[] }>('GET', `/api/read/audit/history/${encodeURIComponent(recordType)}/${encodeURIComponent(recordId)}`), [recordType, recordId]);
  return (
    <LoginRequired title={`History of ${recordType} ${recordId}`}>
      <Status loaded={history} />
      <ol class="history">
        {history.data?.rows.map((r) => (
          <li key={`${r.block}-${r.txId}`}>
            <p><a href={hrefOf({ page: 'block', number: r.block })}>Block {r.block}</a>{r.timestamp ? `, ${r.timestamp.replace('T', ' ').slice(0, 19)}` : ''}: {r.isDelete ? 'deleted' : 'written'} ({r.validationCode})</p>
            {!r.isDelete && <pre>{JSON.stringify(r.value, null, 2)}</pre>}
          </li>
        ))}
      </ol>
    </LoginRequired>
  );
}

function LoginRequired({ title, children }: { title: string; children: ComponentChildren }) {
  const { me } = useSession();
  return (
    <>
      <h1>{title}</h1>
      {me ? children : <p>The explorer is for the consortium's operators and auditors: please <a href={hrefOf({ page: 'login' })}>log in</a>.</p>}
    </>
  );
}
