// The public portal: no login. What each NGO raised, holds, spent and has left; spend by
// category; newest spends with their receipt hashes; a live feed; a donation's path by its
// receipt code. Everything comes from /api/public, which shows no donor identity.
import type { ActivityItem, DonationPath, PublicNgo, PublicNgoPage, PublicSpend, SpendCategory } from '@donation-ledger/model';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatMoney } from '../lib/money';
import { hrefOf } from '../lib/router';
import { CategoryChart, MoneyBar, PathDiagram, Progress } from './charts';
import { useLoad, useTitle } from './hooks';

interface Overview {
  readonly ngos: readonly PublicNgo[];
  readonly categories: readonly SpendCategory[];
  readonly asOfBlock: number;
}

export function HomePage() {
  useTitle('Where the money goes');
  const overview = useLoad(() => api<Overview>('GET', '/api/public/overview'), []);
  const spends = useLoad(() => api<{ rows: PublicSpend[] }>('GET', '/api/public/spends?limit=10'), []);
  return (
    <>
      <h1>Where the money goes</h1>
      <p class="lead">Every donation, spend and milestone below is on a ledger that the NGOs, the donor platform and the auditors run together. No one of them can change it alone.</p>
      <ReceiptLookup />
      <section aria-labelledby="ngos-heading">
        <h2 id="ngos-heading">NGOs</h2>
        <Status loaded={overview} />
        {overview.data && <p class="as-of">As of block {overview.data.asOfBlock}.</p>}
        <ul class="cards">
          {overview.data?.ngos.map((ngo) => <li key={ngo.id} class="card"><NgoSummary ngo={ngo} /></li>)}
        </ul>
      </section>
      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading">Spend by category</h2>
        {overview.data && <CategoryChart categories={overview.data.categories} title="Spend by category, all NGOs" />}
      </section>
      <section aria-labelledby="spends-heading">
        <h2 id="spends-heading">Recent spends</h2>
        <Status loaded={spends} />
        {spends.data && <SpendTable spends={spends.data.rows} showNgo />}
      </section>
      <LiveFeed />
    </>
  );
}

function NgoSummary({ ngo }: { ngo: PublicNgo }) {
  return (
    <>
      <h3><a href={hrefOf({ page: 'ngo', ngoId: ngo.id })}>{ngo.name}</a></h3>
      {ngo.status !== 'active' && <p class="badge">{ngo.status}</p>}
      <MoneyFigures ngo={ngo} />
    </>
  );
}

/** Per currency: raised, settled, held, spent and remaining, and the bar of where settled money is. */
function MoneyFigures({ ngo }: { ngo: PublicNgo }) {
  if (ngo.money.length === 0) return <p>No donations yet.</p>;
  return (
    <>
      {ngo.money.map((m) => (
        <div key={m.currency}>
          <dl class="figures">
            <div><dt>Raised</dt><dd>{formatMoney(m.raised, m.currency)}</dd></div>
            <div><dt>Settled</dt><dd>{formatMoney(m.settled, m.currency)}</dd></div>
            <div><dt>Held</dt><dd>{formatMoney(m.held, m.currency)}</dd></div>
            <div><dt>Spent</dt><dd>{formatMoney(m.spent, m.currency)}</dd></div>
            <div><dt>Remaining</dt><dd>{formatMoney(m.remaining, m.currency)}</dd></div>
          </dl>
          <MoneyBar money={m} />
        </div>
      ))}
    </>
  );
}

/** A donation looked up by the receipt code its donor got. */
function ReceiptLookup() {
  const [code, setCode] = useState('');
  return (
    <form class="lookup" role="search" onSubmit={(e) => {
      e.preventDefault();
      if (code.trim()) location.hash = hrefOf({ page: 'donation', donationId: code.trim() });
    }}>
      <label for="receipt-code">Follow a donation by its receipt code</label>
      <input id="receipt-code" value={code} onInput={(e) => setCode(e.currentTarget.value)} placeholder="don-…" autocomplete="off" required />
      <button>Follow</button>
    </form>
  );
}

const FEED_REFRESH_MS = 5000;

function LiveFeed() {
  const feed = useLoad(() => api<{ rows: ActivityItem[]; asOfBlock: number }>('GET', '/api/public/activity?limit=15'), [], FEED_REFRESH_MS);
  return (
    <section aria-labelledby="feed-heading">
      <h2 id="feed-heading">Live on the ledger</h2>
      <p class="hint">Updated every {FEED_REFRESH_MS / 1000} seconds{feed.data ? `; as of block ${feed.data.asOfBlock}` : ''}.</p>
      <ol class="feed" id="feed" aria-live="polite">
        {feed.data?.rows.map((item) => <li key={`${item.block}-${item.txId}-${item.recordType}-${item.recordId}`}>{describeActivity(item)}</li>)}
      </ol>
    </section>
  );
}

function describeActivity(item: ActivityItem): string {
  const money = item.amount && item.currency ? formatMoney(item.amount, item.currency) : '';
  const where = `block ${item.block}`;
  switch (item.recordType) {
    case 'donation': return `${where}: a donation of ${money} to ${item.ngoName} is ${item.status}`;
    case 'spend': return `${where}: ${item.ngoName} spent ${money} on "${item.label}"`;
    case 'milestone': return `${where}: milestone "${item.label}" of ${item.ngoName || 'a campaign'} is ${item.status}`;
    case 'campaign': return `${where}: campaign "${item.label}" of ${item.ngoName}`;
    case 'ngo': return `${where}: NGO ${item.label} is ${item.status}`;
  }
}

export function SpendTable({ spends, showNgo }: { spends: readonly PublicSpend[]; showNgo?: boolean }) {
  if (spends.length === 0) return <p>No spends recorded yet.</p>;
  return (
    // Scrolls sideways on a phone: focusable so keyboard users can scroll it too.
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Spends, with their receipt hashes">
      <table>
        <thead>
          <tr>{showNgo && <th scope="col">NGO</th>}<th scope="col">What</th><th scope="col">Category</th><th scope="col">Amount</th><th scope="col">When</th><th scope="col">Receipt SHA-256</th></tr>
        </thead>
        <tbody>
          {spends.map((s) => (
            <tr key={s.id}>
              {showNgo && <td><a href={hrefOf({ page: 'ngo', ngoId: s.ngoId })}>{s.ngoName}</a></td>}
              <td>{s.description}</td><td>{s.category}</td><td class="num">{formatMoney(s.amount, s.currency)}</td>
              <td>{s.recordedAt.slice(0, 10)}</td><td><code class="hash" title={s.receiptHash}>{s.receiptHash ? `${s.receiptHash.slice(0, 12)}…` : 'none'}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function NgoPage({ ngoId }: { ngoId: string }) {
  const page = useLoad(() => api<PublicNgoPage>('GET', `/api/public/ngos/${encodeURIComponent(ngoId)}`), [ngoId]);
  useTitle(page.data?.ngo.name ?? ngoId);
  if (!page.data) return <><h1>{ngoId}</h1><Status loaded={page} /></>;
  const { ngo, campaigns, categories, recentSpends, asOfBlock } = page.data;
  return (
    <>
      <h1>{ngo.name}</h1>
      {ngo.description && <p class="lead">{ngo.description}</p>}
      <p class="as-of">As of block {asOfBlock}.</p>
      <section aria-labelledby="money-heading">
        <h2 id="money-heading">Money</h2>
        <MoneyFigures ngo={ngo} />
      </section>
      <section aria-labelledby="campaigns-heading">
        <h2 id="campaigns-heading">Campaigns</h2>
        {campaigns.length === 0 && <p>No campaigns.</p>}
        <ul class="cards">
          {campaigns.map((c) => (
            <li key={c.id} class="card campaign">
              <h3>{c.name}</h3>
              <Progress label={`${c.name}: settled toward the goal`} part={c.settled} whole={c.goal} currency={c.currency} />
              <p>Open {c.opensAt.slice(0, 10)} to {c.closesAt.slice(0, 10)}. Spent {formatMoney(c.spent, c.currency)}{c.validatorMspId ? `, held ${formatMoney(c.held, c.currency)}` : ''}.</p>
              {c.milestones.length > 0 && (
                <>
                  <h4>Milestones, confirmed by {c.validatorMspId}</h4>
                  <ol class="milestones">
                    {c.milestones.map((m) => (
                      <li key={m.index} class={m.status}>
                        {m.description}: {formatMoney(m.amount, c.currency)}, <strong>{m.status}</strong>
                        {m.status === 'confirmed' && <> on {m.confirmedAt.slice(0, 10)} by {m.confirmedBy}, evidence <code class="hash" title={m.evidenceHash}>{m.evidenceHash.slice(0, 12)}…</code></>}
                      </li>
                    ))}
                  </ol>
                </>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="ngo-categories-heading">
        <h2 id="ngo-categories-heading">Spend by category</h2>
        <CategoryChart categories={categories} title={`Spend by category, ${ngo.name}`} />
      </section>
      <section aria-labelledby="ngo-spends-heading">
        <h2 id="ngo-spends-heading">Recent spends</h2>
        <SpendTable spends={recentSpends} />
      </section>
    </>
  );
}

export function DonationPage({ donationId }: { donationId: string }) {
  useTitle(`Donation ${donationId}`);
  const path = useLoad(() => api<DonationPath>('GET', `/api/public/donations/${encodeURIComponent(donationId)}`), [donationId]);
  const d = path.data?.donation;
  return (
    <>
      <h1>Where donation {donationId} went</h1>
      <Status loaded={path} />
      {path.data && d && (
        <>
          <p class="lead">
            {formatMoney(d.amount, d.currency)} to <a href={hrefOf({ page: 'ngo', ngoId: d.ngoId })}>{path.data.ngoName || d.ngoId}</a>
            {path.data.campaignName ? <> for “{path.data.campaignName}”</> : null}, pledged {d.donatedAt.slice(0, 10)} (block {path.data.pledgeBlock}): <strong>{d.status}</strong>.
          </p>
          <PathDiagram path={path.data} />
          <p class="as-of">As of block {path.data.asOfBlock}. The donor is not shown: the ledger knows donors only by a key.</p>
          <h2>Spends it paid for</h2>
          <SpendTable spends={path.data.allocations.map((a) => ({ ...a.spend, amount: a.amount }))} />
        </>
      )}
    </>
  );
}

/** Loading and error lines for a loaded section. */
export function Status({ loaded }: { loaded: { loading: boolean; error: string | undefined; data: unknown } }) {
  if (loaded.error) return <p class="error" role="alert">{loaded.error}</p>;
  if (loaded.loading && loaded.data === undefined) return <p class="loading">Loading…</p>;
  return null;
}
