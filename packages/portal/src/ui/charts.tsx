// Pictures of money, drawn as SVG and HTML by hand: each has a text equivalent (a title for
// screen readers, the figures printed beside it), so no one needs the picture to get the facts.
import type { PublicMoney, SpendCategory } from '@donation-ledger/model';
import { formatMoney, formatShare, shareOf } from '../lib/money';
import { layoutPath, LAYOUT } from '../lib/path-layout';
import type { DonationPath } from '@donation-ledger/model';

/** Settled money split into spent, held, available and refunded, as one bar with a legend. */
export function MoneyBar({ money }: { money: PublicMoney }) {
  const available = (BigInt(money.remaining) - BigInt(money.held)).toString();
  const parts = [
    { key: 'spent', label: 'Spent', minor: money.spent },
    { key: 'held', label: 'Held for milestones', minor: money.held },
    { key: 'available', label: 'Available', minor: available },
    { key: 'refunded', label: 'Refunded', minor: money.refunded },
  ].filter((p) => BigInt(p.minor) > 0n);
  return (
    <div class="money-bar">
      <div class="bar" role="img" aria-label={`Of ${formatMoney(money.settled, money.currency)} settled: ${parts.map((p) => `${p.label.toLowerCase()} ${formatMoney(p.minor, money.currency)}`).join(', ') || 'nothing yet'}`}>
        {parts.map((p) => <span key={p.key} class={`seg ${p.key}`} style={{ width: `${shareOf(p.minor, money.settled) * 100}%` }} />)}
      </div>
      <ul class="legend">
        {parts.map((p) => <li key={p.key}><span class={`swatch ${p.key}`} aria-hidden="true" />{p.label}: {formatMoney(p.minor, money.currency)}</li>)}
      </ul>
    </div>
  );
}

/** A labelled progress bar: part of whole, with the figures in words. */
export function Progress({ label, part, whole, currency }: { label: string; part: string; whole: string; currency: string }) {
  const share = shareOf(part, whole);
  return (
    <div class="progress">
      <div class="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)}
        aria-valuetext={`${formatMoney(part, currency)} of ${formatMoney(whole, currency)}`}>
        <span class="progress-fill" style={{ width: `${share * 100}%` }} />
      </div>
      <p class="progress-text">{formatMoney(part, currency)} of {formatMoney(whole, currency)} ({formatShare(share)})</p>
    </div>
  );
}

/** Spend per category as horizontal bars, one chart per currency. */
export function CategoryChart({ categories, title }: { categories: readonly SpendCategory[]; title: string }) {
  const byCurrency = new Map<string, Map<string, bigint>>();
  for (const c of categories) {
    const totals = byCurrency.get(c.currency) ?? new Map<string, bigint>();
    totals.set(c.category, (totals.get(c.category) ?? 0n) + BigInt(c.spent));
    byCurrency.set(c.currency, totals);
  }
  if (byCurrency.size === 0) return <p>No spends recorded yet.</p>;
  return (
    <>
      {[...byCurrency].map(([currency, totals]) => {
        const rows = [...totals].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0])));
        const max = rows[0]?.[1] ?? 1n;
        const rowHeight = 28;
        const chartId = `chart-${title.replace(/\W+/g, '-')}-${currency}`;
        return (
          <figure key={currency} class="chart">
            <svg viewBox={`0 0 600 ${rows.length * rowHeight}`} role="img" aria-labelledby={`${chartId}-title`} preserveAspectRatio="xMinYMin meet">
              <title id={`${chartId}-title`}>{`${title} (${currency}): ${rows.map(([category, minor]) => `${category} ${formatMoney(minor.toString(), currency)}`).join(', ')}`}</title>
              {rows.map(([category, minor], i) => {
                const width = max > 0n ? Number((minor * 330n) / max) : 0;
                return (
                  <g key={category} transform={`translate(0 ${i * rowHeight})`}>
                    <text x="0" y="18" class="chart-label">{category}</text>
                    <rect x="120" y="5" width={Math.max(2, width)} height="18" class="chart-bar" />
                    <text x={128 + Math.max(2, width)} y="18" class="chart-value">{formatMoney(minor.toString(), currency)}</text>
                  </g>
                );
              })}
            </svg>
            <figcaption>{title}, {currency}</figcaption>
          </figure>
        );
      })}
    </>
  );
}

/** Donation -> spends it paid for (and what is unspent or refunded), bands as wide as the money. */
export function PathDiagram({ path }: { path: DonationPath }) {
  const layout = layoutPath(path);
  const left = LAYOUT.boxWidth;
  const right = layout.width - LAYOUT.boxWidth;
  const mid = (left + right) / 2;
  const summary = `${layout.source.detail}. ${layout.targets.map((t) => `${t.label}: ${t.detail}`).join('; ')}.`;
  return (
    <figure class="path">
      <svg viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-labelledby="path-title" preserveAspectRatio="xMinYMin meet">
        <title id="path-title">{`Where the money went. ${summary}`}</title>
        {layout.bands.map((b, i) => (
          <path key={i} class={`band ${b.kind}`}
            d={`M${left},${b.fromY} C${mid},${b.fromY} ${mid},${b.toY} ${right},${b.toY} L${right},${b.toY + b.toHeight} C${mid},${b.toY + b.toHeight} ${mid},${b.fromY + b.fromHeight} ${left},${b.fromY + b.fromHeight} Z`} />
        ))}
        <rect x="0" y="0" width={LAYOUT.boxWidth} height={layout.height} class="box donation" rx="4" />
        <text x="8" y="20" class="box-label">{`Donation`}</text>
        <text x="8" y="38" class="box-detail">{layout.source.detail.split(' to ')[0]}</text>
        {layout.targets.map((t, i) => (
          <g key={i}>
            <rect x={right} y={t.y} width={LAYOUT.boxWidth} height={t.height} class={`box ${t.kind}`} rx="4" />
            <text x={right + 8} y={t.y + 18} class="box-label">{truncate(t.label, 20)}</text>
            <text x={right + 8} y={t.y + 35} class="box-detail">{truncate(t.detail, 22)}</text>
          </g>
        ))}
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
