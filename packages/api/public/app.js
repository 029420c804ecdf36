// The web app: plain JavaScript over the REST API. Amounts are typed in major units ("12.50")
// and sent as integer minor units ("1250"); they are never floats.
'use strict';

const state = { token: sessionStorage.getItem('token'), me: null, feed: null, lastBlock: null };
const $ = (id) => document.getElementById(id);

function say(text, isError = false) {
  const el = $('message');
  el.textContent = text;
  el.className = isError ? 'error' : '';
}

/** Calls the API; a write sent with `idempotencyKey` (the same on a retry) is never applied twice. */
async function api(method, path, body, idempotencyKey) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) {
    if (res.status === 401 && state.token) logout();
    throw new Error(data?.detail ?? `${res.status} ${res.statusText}`);
  }
  return data;
}

/** Minor-unit digits of an ISO 4217 currency: 2 for EUR, 0 for JPY, 3 for KWD. */
function decimalsOf(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    throw new Error(`${currency} is not a currency code`);
  }
}

/** "12.5" EUR -> "1250": decimal text to integer minor units of that currency, without floating point. */
function toMinorUnits(text, currency) {
  const decimals = decimalsOf(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > decimals) throw new Error(`amount must be a number with at most ${decimals} decimals for ${currency}`);
  const minor = (BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt((match[2] ?? '').padEnd(decimals, '0') || '0')).toString();
  if (minor === '0') throw new Error('amount must be greater than zero');
  return minor;
}

function money(minor, currency) {
  const decimals = decimalsOf(currency);
  const value = BigInt(minor);
  const unit = 10n ** BigInt(decimals);
  return decimals === 0 ? `${value} ${currency}` : `${value / unit}.${(value % unit).toString().padStart(decimals, '0')} ${currency}`;
}

/**
 * The ID of a write, chosen here once per form and reused when the same form is sent again after
 * a failure, so that a write that did land is refused as a duplicate instead of made twice.
 */
function idFor(form, prefix) {
  form.dataset.pendingId ??= `${prefix}-${crypto.randomUUID()}`;
  return form.dataset.pendingId;
}

/** Where a donation is in its life: pledged, settled (and how much is unspent), cancelled or refunded. */
function describeState(d) {
  if (d.status === 'pledged') return `pledged, waiting for the payment (until ${d.expiresAt.slice(0, 10)})`;
  if (d.status === 'cancelled') return 'pledge cancelled';
  const refunded = d.refunded !== '0' ? `, ${money(d.refunded, d.currency)} refunded` : '';
  return `${d.status === 'refunded' ? 'refunded' : 'settled'}, ${money(d.remaining, d.currency)} unspent${refunded}`;
}

function formData(form) {
  return Object.fromEntries([...new FormData(form)].filter(([, v]) => typeof v === 'string' && v !== ''));
}

function handle(form, action) {
  form.addEventListener('input', () => delete form.dataset.pendingId); // a changed form is a new write
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await action(formData(form), form);
    } catch (err) {
      say(err.message, true);
    } finally {
      button.disabled = false;
    }
  });
}

async function startSession(session) {
  state.token = session.token;
  sessionStorage.setItem('token', session.token);
  await showApp();
}

function logout() {
  state.token = null;
  state.me = null;
  sessionStorage.removeItem('token');
  state.feed?.close();
  location.reload();
}

async function showApp() {
  state.me = await api('GET', '/api/accounts/me');
  $('who').textContent = `Logged in as ${state.me.username} (${state.me.role}${state.me.ngoId ? `, ${state.me.ngoId}` : ''})`;
  $('logout').hidden = false;
  $('auth').hidden = true;
  for (const section of document.querySelectorAll('[data-role]')) {
    section.hidden = !section.dataset.role.split(' ').includes(state.me.role);
  }
  await loadNgos();
  await loadTransparency().catch((err) => ($('transparency-as-of').textContent = err.message));
  if (state.me.role === 'donor') await loadMine();
  if (state.me.role === 'ngo-staff') await loadBalance();
  followFeed().catch((err) => say(`live feed: ${err.message}`, true));
}

// Lists are built off-page and swapped in whole, and only by the newest load of each: two loads
// in flight at once (after login and after a donation, say) neither interleave their rows nor
// let the older answer overwrite the newer.
const generations = {};
function ticket(what) {
  const mine = (generations[what] = (generations[what] ?? 0) + 1);
  return () => generations[what] === mine;
}

/** A campaign, and for an outcome-based one how many milestones its validator confirmed (the rest of its money is held). */
async function describeCampaign(c) {
  const text = `${c.name} (${c.id}): goal ${money(c.goal, c.currency)}`;
  if (!c.milestoneCount) return text;
  const milestones = await api('GET', `/api/campaigns/${encodeURIComponent(c.id)}/milestones`);
  const confirmed = milestones.filter((m) => m.status === 'confirmed').length;
  return `${text}, milestones confirmed by ${c.validatorMspId}: ${confirmed} of ${milestones.length}`;
}

async function loadNgos() {
  const isLatest = ticket('ngos');
  const page = await api('GET', '/api/ngos?pageSize=100');
  const rows = [];
  const options = [];
  for (const ngo of page.records) {
    const balance = await api('GET', `/api/ngos/${encodeURIComponent(ngo.id)}/balance`);
    const campaigns = await api('GET', `/api/ngos/${encodeURIComponent(ngo.id)}/campaigns?pageSize=100`);
    const tr = document.createElement('tr');
    const unspent = balance.balances.map((b) => money(b.unspent, b.currency) + (b.campaignId ? ` (${b.campaignId})` : '')).join(', ') || '-';
    const described = await Promise.all(campaigns.records.map(describeCampaign));
    for (const text of [`${ngo.name} (${ngo.id})`, ngo.status, unspent, described.join('; ') || '-']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    rows.push(tr);
    if (ngo.status === 'active') options.push(new Option(ngo.name, ngo.id));
  }
  if (!isLatest()) return;
  $('ngo-rows').replaceChildren(...rows);
  $('donate-ngo').replaceChildren(...options);
}

/** Totals per NGO from the read model (the SQL index of the ledger), as of a block. */
async function loadTransparency() {
  const isLatest = ticket('transparency');
  // After a write of ours, wait until the read model has indexed its block (read-your-writes).
  const report = await api('GET', `/api/analytics/ngos${state.lastBlock ? `?minBlock=${state.lastBlock}` : ''}`);
  if (!isLatest()) return;
  $('transparency-as-of').textContent = `As of block ${report.asOfBlock}.`;
  const rows = report.rows.map((r) => {
    const tr = document.createElement('tr');
    const share = r.shareSpent === null ? '-' : `${(Number(r.shareSpent) * 100).toFixed(1)} %`;
    for (const text of [r.ngoId, money(r.donated, r.currency), money(r.spent, r.currency), share, String(r.donors)]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('transparency-rows').replaceChildren(...rows);
}

async function downloadCsv() {
  const res = await fetch('/api/analytics/ngos?format=csv', { headers: { Authorization: `Bearer ${state.token}` } });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'ngos.csv';
  link.click();
  URL.revokeObjectURL(link.href);
}

async function loadMine() {
  const isLatest = ticket('mine');
  const page = await api('GET', '/api/donations/mine?pageSize=100');
  const items = [];
  for (const d of page.records) {
    const li = document.createElement('li');
    li.dataset.donationId = d.id;
    li.textContent = `${money(d.amount, d.currency)} to ${d.ngoId}${d.campaignId ? ` / ${d.campaignId}` : ''} on ${d.donatedAt.slice(0, 10)}: ${describeState(d)}`;
    const allocations = await api('GET', `/api/donations/${encodeURIComponent(d.id)}/allocations?pageSize=100`);
    if (allocations.records.length > 0) {
      const ul = document.createElement('ul');
      for (const a of allocations.records) {
        const item = document.createElement('li');
        item.className = 'allocation';
        item.textContent = `${money(a.amount, a.currency)} paid for "${a.spend.description}" (${a.spend.category})`;
        ul.append(item);
      }
      li.append(ul);
    }
    items.push(li);
  }
  if (isLatest()) $('my-donations').replaceChildren(...items);
}

async function loadBalance() {
  $('my-ngo').textContent = state.me.ngoId;
  const balance = await api('GET', `/api/ngos/${encodeURIComponent(state.me.ngoId)}/balance`);
  $('my-balance').textContent = balance.balances.map((b) => money(b.unspent, b.currency) + (b.campaignId ? ` (${b.campaignId})` : '')).join(', ') || 'nothing';
}

async function sha256Hex(file) {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function followFeed() {
  if (state.feed || !state.token) return;
  // A ticket good for 30 seconds opens the stream: no long-lived token in a URL (logs, history).
  const { ticket } = await api('POST', '/api/events/tickets');
  state.feed = new EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`);
  state.feed.addEventListener('error', () => {
    // The browser would reconnect with the same ticket, expired by then: reconnect with a new one.
    state.feed?.close();
    state.feed = null;
    setTimeout(() => followFeed().catch(() => undefined), 3000);
  });
  state.feed.addEventListener('ledger', (message) => {
    const event = JSON.parse(message.data);
    const li = document.createElement('li');
    li.textContent = `block ${event.blockNumber}: ${event.eventName} ${event.record?.id ?? event.record?.ngoId ?? ''}`;
    $('feed').prepend(li);
  });
}

handle($('login-form'), async (data) => startSession(await api('POST', '/api/sessions', data)));
handle($('signup-form'), async (data) => {
  await startSession(await api('POST', '/api/accounts', data));
  say('Welcome! Your account and your own ledger identity are ready.');
});
handle($('donate-form'), async (data, form) => {
  const body = { id: idFor(form, 'don'), ngoId: data.ngoId, amount: toMinorUnits(data.amount, data.currency), currency: data.currency, ...(data.campaignId ? { campaignId: data.campaignId } : {}) };
  const written = await api('POST', '/api/donations', body, body.id);
  delete form.dataset.pendingId;
  say(`Thank you! Your pledge ${written.record.id} is in block ${written.blockNumber}. It becomes money for the NGO when the payment service settles it.`);
  form.reset();
  state.lastBlock = written.blockNumber;
  await Promise.all([loadMine(), loadNgos(), loadTransparency()]);
});
handle($('spend-form'), async (data, form) => {
  const receipt = form.elements.receipt.files[0];
  const body = {
    id: idFor(form, 'sp'), ngoId: state.me.ngoId, amount: toMinorUnits(data.amount, data.currency), currency: data.currency, description: data.description, category: data.category,
    ...(data.campaignId ? { campaignId: data.campaignId } : {}),
    ...(receipt ? { receiptHash: await sha256Hex(receipt) } : {}),
  };
  const written = await api('POST', '/api/spends', body, body.id);
  delete form.dataset.pendingId;
  const pieces = written.record.allocations.map((a) => `${money(a.amount, written.record.currency)} from ${a.donationId}`).join(', ');
  say(`Spend recorded in block ${written.blockNumber}, paid by: ${pieces}.`);
  form.reset();
  state.lastBlock = written.blockNumber;
  await Promise.all([loadBalance(), loadTransparency()]);
});
handle($('ngo-form'), async (data, form) => {
  await api('POST', '/api/ngos', data);
  say(`NGO ${data.id} registered.`);
  form.reset();
  await loadNgos();
});
handle($('staff-form'), async (data, form) => {
  await api('POST', '/api/accounts/staff', data);
  say(`Staff account ${data.username} created for ${data.ngoId}.`);
  form.reset();
});
$('export-csv').addEventListener('click', () => downloadCsv().catch((err) => say(err.message, true)));
$('refresh-mine').addEventListener('click', () => loadMine().catch((err) => say(err.message, true)));
$('logout').addEventListener('click', logout);
$('verify').addEventListener('click', async () => {
  $('verify-result').textContent = 'Verifying...';
  try {
    const result = await api('POST', '/api/ledger/verify', {});
    $('verify-result').textContent = result.ok
      ? `Intact: ${result.blocksChecked} blocks checked. Digest: height ${result.digest.height}, hash ${result.digest.blockHash}`
      : `BROKEN at block ${result.blockNumber}: ${result.reason}`;
  } catch (err) {
    $('verify-result').textContent = err.message;
  }
});

(async () => {
  const health = await fetch('/health/live').then((r) => r.ok).catch(() => false);
  if (!health) say('The API does not answer.', true);
  // Only the donor platform's API offers sign-up.
  const info = await fetch('/api/info').then((r) => r.json()).catch(() => null);
  $('signup').hidden = !info?.donorSignUp;
  if (state.token) await showApp().catch(() => logout());
})();
