// A donation's receipt as a page to print or save as PDF: what was given, the transactions and
// blocks that recorded it, the genesis hash to compare, and how anyone can check it. The same
// receipt is verified in this browser as the page opens, and can be downloaded as the JSON file
// the verifiers read.
import type { Receipt, ReceiptVerification } from '@donation-ledger/receipt';
import { api, download } from '../api';
import { formatMoney } from '../lib/money';
import { hrefOf } from '../lib/router';
import { useLoad, useTitle } from './hooks';
import { Status } from './public-pages';

export function ReceiptPage({ donationId }: { donationId: string }) {
  useTitle(`Receipt ${donationId}`);
  const path = `/api/donations/${encodeURIComponent(donationId)}/receipt`;
  const receipt = useLoad(async () => {
    const document = await api<Receipt>('GET', path);
    const { verifyReceipt } = await import('@donation-ledger/receipt');
    return { document, verification: await verifyReceipt(document) };
  }, [donationId]);
  if (!receipt.data) return <><h1>Receipt of donation {donationId}</h1><Status loaded={receipt} /></>;
  const { document: r, verification } = receipt.data;
  const d = r.donation;
  return (
    <article class="receipt">
      <h1>Donation receipt</h1>
      <p class="lead">Receipt code <strong>{d.id}</strong>. Anyone can follow this donation at <code>{`${location.origin}/${hrefOf({ page: 'donation', donationId: d.id })}`}</code>.</p>
      <dl class="hashes">
        <dt>Amount</dt><dd>{formatMoney(d.amount, d.currency)}</dd>
        <dt>To</dt><dd>{d.ngoId}{d.campaignId ? `, campaign ${d.campaignId}` : ''}</dd>
        <dt>Status</dt><dd>{d.status}{d.settledAt ? `, settled ${d.settledAt.slice(0, 10)} (payment reference ${d.paymentRef})` : ''}</dd>
        <dt>Pledged</dt><dd>{d.donatedAt.replace('T', ' ').slice(0, 19)} UTC</dd>
        <dt>Pledge</dt><dd>block {r.pledge.blockNumber}, transaction <code>{r.pledge.txId}</code>, block hash <code>{r.pledge.blockHash}</code></dd>
        {r.settlement && <><dt>Settlement</dt><dd>block {r.settlement.blockNumber}, transaction <code>{r.settlement.txId}</code>, block hash <code>{r.settlement.blockHash}</code></dd></>}
        <dt>Ledger</dt><dd>channel {r.channel}, chaincode {r.chaincode}, genesis block hash <code>{r.genesisHash}</code></dd>
        <dt>Issued</dt><dd>{r.issuedAt.replace('T', ' ').slice(0, 19)} UTC</dd>
      </dl>
      <p class={`verdict ${verification.ok ? 'valid' : 'invalid'}`} role="status">{verdictText(verification)}</p>
      <p>To check it yourself: download the receipt file and open it on the <a href={hrefOf({ page: 'verify' })}>Verify a receipt</a> page of any member, or run <code>npm run verify-receipt -- receipt-{d.id}.json --genesis-hash &lt;the hash your consortium publishes&gt;</code>.</p>
      <p class="no-print">
        <button type="button" onClick={() => void download(path, `receipt-${d.id}.json`)}>Download receipt file</button>{' '}
        <button type="button" onClick={() => window.print()}>Print or save as PDF</button>
      </p>
    </article>
  );
}

function verdictText(v: ReceiptVerification): string {
  if (!v.ok) return `Verified in this browser: NOT valid (${v.failure.subject}: ${v.failure.detail}).`;
  return `Verified in this browser: valid. ${v.checks.length} checks passed: blocks intact, signed by the ordering service, and they wrote exactly this donation. Compare the genesis block hash with the one your consortium publishes.`;
}
