// The areas behind a login: donors give, follow their donations and download receipts; NGO
// staff record spends (the receipt is hashed in the browser), see balances and milestones and
// export CSV; the NGO org's admin registers NGOs and staff. Campaigns and NGOs are picked from
// lists, never typed.
import type { Balance, DonateRequest, Donation, PublicNgo, PublicNgoPage, RecordSpendRequest } from '@donation-ledger/model';
import { useState } from 'preact/hooks';
import { api, download, sha256Hex } from '../api';
import { formatMoney, toMinorUnits } from '../lib/money';
import { hrefOf } from '../lib/router';
import { WriteForm } from './forms';
import { useLoad, useTitle } from './hooks';
import { Status } from './public-pages';
import { Me, useSession } from './session';

interface Written<T> {
  readonly record: T;
  readonly blockNumber: number;
  readonly transactionId: string;
}

export function AccountPage() {
  const { me } = useSession();
  useTitle('My area');
  if (!me) return <><h1>My area</h1><p>Please <a href={hrefOf({ page: 'login' })}>log in</a>.</p></>;
  return (
    <>
      <h1>My area</h1>
      <p id="who">Logged in as {me.username} ({me.role}{me.ngoId ? `, ${me.ngoId}` : ''})</p>
      {me.role === 'donor' && <DonorArea />}
      {me.role === 'ngo-staff' && me.ngoId && <NgoArea me={me} ngoId={me.ngoId} />}
      {me.role === 'ngo-admin' && <AdminArea />}
      {me.role !== 'donor' && <Exports ngoId={me.ngoId} />}
    </>
  );
}

function useNgos() {
  return useLoad(() => api<{ ngos: PublicNgo[] }>('GET', '/api/public/overview').then((o) => o.ngos), []);
}

function DonorArea() {
  const ngos = useNgos();
  const [ngoId, setNgoId] = useState('');
  const [lastTx, setLastTx] = useState<string | undefined>(undefined);
  const chosen = ngoId || ngos.data?.find((n) => n.status === 'active')?.id || '';
  const campaigns = useLoad(() => (chosen ? api<PublicNgoPage>('GET', `/api/public/ngos/${encodeURIComponent(chosen)}`).then((p) => p.campaigns) : Promise.resolve([])), [chosen]);
  const mine = useLoad(() => api<{ records: Donation[] }>('GET', '/api/donations/mine?pageSize=100'), [lastTx]);
  return (
    <>
      <section aria-labelledby="donate-heading">
        <h2 id="donate-heading">Donate</h2>
        <WriteForm id="donate-form" label="Donate" submit="Donate" onSubmit={async (data, _form, pendingId) => {
          const currency = data.currency ?? 'EUR';
          const body = { id: pendingId('don'), ngoId: chosen, amount: toMinorUnits(data.amount ?? '', currency), currency, ...(data.campaignId ? { campaignId: data.campaignId } : {}) } satisfies DonateRequest;
          const written = await api<Written<Donation>>('POST', '/api/donations', body, body.id);
          setLastTx(written.transactionId);
          return `Thank you! Your pledge ${written.record.id} is in block ${written.blockNumber}. It becomes money for the NGO when the payment service settles it. Its receipt code is ${written.record.id}.`;
        }}>
          <label>NGO
            <select name="ngoId" value={chosen} onChange={(e) => setNgoId(e.currentTarget.value)} required>
              {ngos.data?.filter((n) => n.status === 'active').map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
            </select>
          </label>
          <label>Campaign
            <select name="campaignId">
              <option value="">No campaign: wherever it is needed</option>
              {campaigns.data?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
          <label>Amount <input name="amount" inputmode="decimal" required pattern="\d+(\.\d{1,3})?" placeholder="25.00" /></label>
          <label>Currency <input name="currency" defaultValue="EUR" required pattern="[A-Z]{3}" size={4} /></label>
        </WriteForm>
      </section>
      <section aria-labelledby="mine-heading">
        <h2 id="mine-heading">My donations</h2>
        <button type="button" onClick={mine.reload}>Refresh</button>
        <Status loaded={mine} />
        <ul id="my-donations" class="donations">
          {mine.data?.records.map((d) => (
            <li key={d.id}>
              {formatMoney(d.amount, d.currency)} to {d.ngoId}{d.campaignId ? ` / ${d.campaignId}` : ''} on {d.donatedAt.slice(0, 10)}: {describeState(d)}.{' '}
              <a href={hrefOf({ page: 'donation', donationId: d.id })}>Where it went</a>{' · '}
              <button type="button" class="link" onClick={() => void download(`/api/donations/${encodeURIComponent(d.id)}/receipt`, `receipt-${d.id}.json`)}>Download receipt</button>{' · '}
              <a href={hrefOf({ page: 'receipt', donationId: d.id })}>Printable receipt</a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="rate-heading">
        <h2 id="rate-heading">Rate an NGO you gave to</h2>
        <WriteForm id="rate-form" label="Rate an NGO" submit="Rate" onSubmit={async (data) => {
          const written = await api<Written<unknown>>('PUT', `/api/ngos/${encodeURIComponent(data.ngoId ?? '')}/rating`, { score: Number(data.score) });
          return `Thank you: your rating is in block ${written.blockNumber}.`;
        }}>
          <label>NGO
            <select name="ngoId" required>
              {[...new Set(mine.data?.records.map((d) => d.ngoId))].map((id) => <option key={id} value={id}>{ngos.data?.find((n) => n.id === id)?.name ?? id}</option>)}
            </select>
          </label>
          <label>Score (1-5) <input name="score" type="number" min={1} max={5} required /></label>
        </WriteForm>
      </section>
    </>
  );
}

/** Where a donation is in its life: pledged, settled (and how much is unspent), cancelled or refunded. */
function describeState(d: Donation): string {
  if (d.status === 'pledged') return `pledged, waiting for the payment (until ${d.expiresAt.slice(0, 10)})`;
  if (d.status === 'cancelled') return 'pledge cancelled';
  const refunded = d.refunded !== '0' ? `, ${formatMoney(d.refunded, d.currency)} refunded` : '';
  return `${d.status === 'refunded' ? 'refunded' : 'settled'}, ${formatMoney(d.remaining, d.currency)} unspent${refunded}`;
}

function NgoArea({ ngoId }: { me: Me; ngoId: string }) {
  const [lastBlock, setLastBlock] = useState(0);
  const balance = useLoad(() => api<Balance>('GET', `/api/ngos/${encodeURIComponent(ngoId)}/balance`), [ngoId, lastBlock]);
  const page = useLoad(() => api<PublicNgoPage>('GET', `/api/public/ngos/${encodeURIComponent(ngoId)}`), [ngoId, lastBlock]);
  const campaignName = (id: string): string => (id ? page.data?.campaigns.find((c) => c.id === id)?.name ?? id : 'outside campaigns');
  return (
    <>
      <section aria-labelledby="balance-heading">
        <h2 id="balance-heading">Unspent money of {page.data?.ngo.name ?? ngoId}</h2>
        <Status loaded={balance} />
        <ul id="my-balance">
          {balance.data?.balances.length === 0 && <li>nothing yet</li>}
          {balance.data?.balances.map((b) => <li key={`${b.campaignId}-${b.currency}`}>{formatMoney(b.unspent, b.currency)} ({campaignName(b.campaignId)})</li>)}
        </ul>
      </section>
      <section aria-labelledby="spend-heading">
        <h2 id="spend-heading">Record a spend</h2>
        <WriteForm id="spend-form" label="Record a spend" submit="Record spend" onSubmit={async (data, form, pendingId) => {
          const file = (form.elements.namedItem('receipt') as HTMLInputElement).files?.[0];
          const currency = data.currency ?? 'EUR';
          const body = {
            id: pendingId('sp'), ngoId, amount: toMinorUnits(data.amount ?? '', currency), currency, description: data.description ?? '', category: data.category ?? '',
            ...(data.campaignId ? { campaignId: data.campaignId } : {}), ...(file ? { receiptHash: await sha256Hex(file) } : {}),
          } satisfies RecordSpendRequest;
          const written = await api<Written<{ allocations: { donationId: string; amount: string }[] }>>('POST', '/api/spends', body, body.id);
          setLastBlock(written.blockNumber);
          const pieces = written.record.allocations.map((a) => `${formatMoney(a.amount, currency)} from ${a.donationId}`).join(', ');
          return `Spend recorded in block ${written.blockNumber}, paid by: ${pieces}.`;
        }}>
          <label>Amount <input name="amount" inputmode="decimal" required pattern="\d+(\.\d{1,3})?" placeholder="10.00" /></label>
          <label>Currency <input name="currency" defaultValue="EUR" required pattern="[A-Z]{3}" size={4} /></label>
          <label>Campaign
            <select name="campaignId">
              <option value="">Outside campaigns</option>
              {page.data?.campaigns.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
          <label>Description <input name="description" required maxLength={1000} /></label>
          <label>Category <input name="category" required pattern="[a-z][a-z0-9\-]{0,31}" placeholder="water" /></label>
          <label>Receipt (only its SHA-256 is stored) <input name="receipt" type="file" /></label>
        </WriteForm>
      </section>
      <section aria-labelledby="milestones-heading">
        <h2 id="milestones-heading">Milestones</h2>
        {page.data?.campaigns.filter((c) => c.milestones.length > 0).length === 0 && <p>No outcome-based campaigns.</p>}
        {page.data?.campaigns.filter((c) => c.milestones.length > 0).map((c) => (
          <div key={c.id}>
            <h3>{c.name}: held {formatMoney(c.held, c.currency)} until {c.validatorMspId} confirms</h3>
            <ol>
              {c.milestones.map((m) => <li key={m.index}>{m.description}: {formatMoney(m.amount, c.currency)}, {m.status}{m.evidenceHash ? `, evidence SHA-256 ${m.evidenceHash}` : ''}</li>)}
            </ol>
          </div>
        ))}
      </section>
    </>
  );
}

function AdminArea() {
  return (
    <section aria-labelledby="admin-heading">
      <h2 id="admin-heading">Administration</h2>
      <WriteForm id="ngo-form" label="Register an NGO" submit="Register" onSubmit={async (data) => {
        await api('POST', '/api/ngos', data, `ngo-${data.id ?? ''}`);
        return `NGO ${data.id ?? ''} registered.`;
      }}>
        <h3>Register an NGO</h3>
        <label>ID <input name="id" required pattern="[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}" /></label>
        <label>Name <input name="name" required /></label>
      </WriteForm>
      <WriteForm id="staff-form" label="Create a staff account" submit="Create" onSubmit={async (data) => {
        await api('POST', '/api/accounts/staff', data);
        return `Staff account ${data.username ?? ''} created for ${data.ngoId ?? ''}.`;
      }}>
        <h3>Create a staff account</h3>
        <label>Username <input name="username" required /></label>
        <label>Password <input name="password" type="password" autocomplete="new-password" required minLength={10} /></label>
        <NgoSelect />
      </WriteForm>
    </section>
  );
}

function NgoSelect() {
  const ngos = useNgos();
  return (
    <label>NGO
      <select name="ngoId" required>
        {ngos.data?.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
      </select>
    </label>
  );
}

const REPORTS = [
  { path: 'ngos', label: 'Totals per NGO' },
  { path: 'campaigns', label: 'Campaigns' },
  { path: 'months', label: 'Donations per month' },
  { path: 'spend-categories', label: 'Spend per category' },
] as const;

function Exports({ ngoId }: { ngoId: string | null }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="exports-heading">
      <h2 id="exports-heading">CSV exports</h2>
      <ul class="exports">
        {REPORTS.map((r) => (
          <li key={r.path}>
            <button type="button" onClick={() => void download(`/api/analytics/${r.path}?format=csv${ngoId ? `&ngoId=${encodeURIComponent(ngoId)}` : ''}`, `${r.path}.csv`).catch((err: Error) => setError(err.message))}>
              {r.label} (CSV)
            </button>
          </li>
        ))}
      </ul>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
