// Verify a receipt in this browser: hashes and orderer signatures are checked here with
// WebCrypto, against the receipt's own blocks and the channel's config blocks, so the answer
// does not depend on trusting the server that handed the receipt out (or this one). The
// verifier is loaded only when someone verifies.
import type { ReceiptVerification } from '@donation-ledger/receipt';
import { useState } from 'preact/hooks';
import { formatMoney } from '../lib/money';
import { useTitle } from './hooks';

type Outcome = { readonly kind: 'verified'; readonly result: ReceiptVerification; readonly summary: string } | { readonly kind: 'unreadable'; readonly reason: string };

export function VerifyPage() {
  useTitle('Verify a receipt');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const verify = async (form: HTMLFormElement): Promise<void> => {
    setBusy(true);
    setOutcome(null);
    try {
      const file = (form.elements.namedItem('receipt') as HTMLInputElement).files?.[0];
      const pasted = (form.elements.namedItem('pasted') as HTMLTextAreaElement).value.trim();
      const genesis = (form.elements.namedItem('genesis') as HTMLInputElement).value.trim().toLowerCase();
      const text = file ? await file.text() : pasted;
      if (!text) throw new Error('choose a receipt file or paste one');
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        throw new Error('this is not a receipt: it is not JSON');
      }
      const { verifyReceipt } = await import('@donation-ledger/receipt');
      const result = await verifyReceipt(document, genesis ? { trustedGenesisHash: genesis } : {});
      setOutcome({ kind: 'verified', result, summary: summaryOf(document) });
    } catch (err) {
      setOutcome({ kind: 'unreadable', reason: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Verify a receipt</h1>
      <p class="lead">A receipt holds the blocks that recorded a donation and the channel's configuration blocks. This page checks, in your browser, that the blocks are intact, that the ordering service signed them, and that they wrote exactly this donation. Nothing is sent anywhere.</p>
      <form id="verify-form" aria-label="Verify a receipt" onSubmit={(e) => {
        e.preventDefault();
        void verify(e.currentTarget);
      }}>
        <label>Receipt file (JSON) <input name="receipt" type="file" accept="application/json,.json" /></label>
        <label>…or paste it <textarea name="pasted" spellcheck={false} /></label>
        <label>Genesis block hash your consortium publishes (optional) <input name="genesis" pattern="[0-9a-fA-F]{64}" autocomplete="off" /></label>
        <button disabled={busy}>Verify</button>
      </form>
      {outcome?.kind === 'unreadable' && <p class="verdict invalid" role="alert">Cannot verify: {outcome.reason}</p>}
      {outcome?.kind === 'verified' && <Verdict result={outcome.result} summary={outcome.summary} />}
    </>
  );
}

function Verdict({ result, summary }: { result: ReceiptVerification; summary: string }) {
  return (
    <section aria-labelledby="verdict-heading">
      <div class={`verdict ${result.ok ? 'valid' : 'invalid'}`} role="status">
        <h2 id="verdict-heading">{result.ok ? 'Valid receipt' : 'NOT a valid receipt'}</h2>
        <p>{summary}</p>
        {!result.ok && <p><strong>{result.failure.subject}:</strong> {result.failure.detail}</p>}
        {result.ok && (
          <>
            <p>Genesis block hash: <code class="hash">{result.genesisHash}</code> {result.anchored ? '(matches the one you gave)' : '(compare it with the one your consortium publishes: without that, the receipt is only consistent in itself)'}</p>
            {result.transactions.map((t) => <p key={t.txId}>{t.role === 'pledge' ? 'Pledge' : 'Settlement'} in block {t.blockNumber}: {t.validationCode.name}. {t.validationCode.note}</p>)}
          </>
        )}
      </div>
      <h3>Checks</h3>
      <ol class="checks">
        {result.checks.map((c, i) => <li key={i} class={c.ok ? 'passed' : 'failed'}>{c.ok ? '✓' : '✗'} {c.subject}: {c.detail}</li>)}
      </ol>
    </section>
  );
}

/** What the receipt claims, in words (before anyone trusts it: the verdict says whether it holds). */
function summaryOf(document: unknown): string {
  const donation = (document as { donation?: { id?: unknown; amount?: unknown; currency?: unknown; ngoId?: unknown; status?: unknown } }).donation;
  if (typeof donation?.amount !== 'string' || typeof donation.currency !== 'string') return 'The receipt names no donation.';
  let amount = `${donation.amount} minor units of ${donation.currency}`;
  try {
    amount = formatMoney(donation.amount, donation.currency);
  } catch {
    // an unknown currency or a non-number: the verdict says what is wrong; show the raw claim
  }
  return `It claims: donation ${String(donation.id)} of ${amount} to ${String(donation.ngoId)}, ${String(donation.status)}.`;
}
