// The picture of one donation's path: the donation on the left, each spend it paid for on the
// right, a band between them as wide as the money that flowed, and what is still unspent or was
// refunded as bands of their own. Computed here, drawn as SVG by the page.
import type { DonationPath } from '@donation-ledger/model';
import { formatMoney } from './money';

export interface PathBox {
  readonly x: number;
  readonly y: number;
  readonly height: number;
  readonly label: string;
  readonly detail: string;
  readonly kind: 'donation' | 'spend' | 'unspent' | 'refund' | 'pledge';
}

export interface PathBand {
  /** Top and height of the band at the donation's side and at the target's side. */
  readonly fromY: number;
  readonly fromHeight: number;
  readonly toY: number;
  readonly toHeight: number;
  readonly kind: PathBox['kind'];
}

export interface PathLayout {
  readonly width: number;
  readonly height: number;
  readonly source: PathBox;
  readonly targets: readonly PathBox[];
  readonly bands: readonly PathBand[];
}

export const LAYOUT = { width: 460, boxWidth: 150, targetHeight: 44, gap: 14, minBand: 3 } as const;

/** Lays out donation -> allocations (spends) -> unspent / refunded money. */
export function layoutPath(path: DonationPath): PathLayout {
  const { donation } = path;
  const money = (minor: string): string => formatMoney(minor, donation.currency);
  const targets: { label: string; detail: string; amount: bigint; kind: PathBox['kind'] }[] = [
    ...path.allocations.map((a) => ({ label: a.spend.description, detail: `${money(a.amount)} · ${a.spend.category}`, amount: BigInt(a.amount), kind: 'spend' as const })),
    ...path.refunds.map((r) => ({ label: 'Refunded', detail: money(r.amount), amount: BigInt(r.amount), kind: 'refund' as const })),
  ];
  if (donation.status === 'pledged') targets.push({ label: 'Waiting for the payment', detail: money(donation.amount), amount: BigInt(donation.amount), kind: 'pledge' });
  else if (BigInt(donation.remaining) > 0n) targets.push({ label: 'Not spent yet', detail: money(donation.remaining), amount: BigInt(donation.remaining), kind: 'unspent' });

  const height = Math.max(1, targets.length) * (LAYOUT.targetHeight + LAYOUT.gap) - LAYOUT.gap;
  const total = targets.reduce((sum, t) => sum + t.amount, 0n);
  const source: PathBox = { x: 0, y: 0, height, label: `Donation ${donation.id}`, detail: `${money(donation.amount)} to ${path.ngoName || donation.ngoId}`, kind: 'donation' };
  let fromY = 0;
  const boxes: PathBox[] = [];
  const bands: PathBand[] = [];
  targets.forEach((t, i) => {
    const y = i * (LAYOUT.targetHeight + LAYOUT.gap);
    // Bands share the donation's height in proportion to their money (at least a hairline).
    const bandHeight = total > 0n ? Math.max(LAYOUT.minBand, Number((t.amount * BigInt(height)) / total)) : LAYOUT.minBand;
    boxes.push({ x: LAYOUT.width - LAYOUT.boxWidth, y, height: LAYOUT.targetHeight, label: t.label, detail: t.detail, kind: t.kind });
    const toHeight = Math.min(bandHeight, LAYOUT.targetHeight);
    bands.push({ fromY, fromHeight: bandHeight, toY: y + (LAYOUT.targetHeight - toHeight) / 2, toHeight, kind: t.kind });
    fromY += bandHeight;
  });
  return { width: LAYOUT.width, height, source, targets: boxes, bands };
}
