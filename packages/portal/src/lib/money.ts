// Money in the browser: amounts travel as integer minor units in decimal strings ("1250" EUR is
// 12.50 EUR) and are never floats. Typed amounts are converted with BigInt, digit by digit.

/** Minor-unit digits of an ISO 4217 currency: 2 for EUR, 0 for JPY, 3 for KWD. */
export function decimalsOf(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new Error(`${currency} is not a currency code`);
  }
}

/** "12.5" EUR -> "1250"; refuses more decimals than the currency has, and zero. */
export function toMinorUnits(text: string, currency: string): string {
  const decimals = decimalsOf(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  const fraction = match?.[2] ?? '';
  if (!match?.[1] || fraction.length > decimals) throw new Error(`the amount must be a number with at most ${decimals} decimals for ${currency}`);
  const minor = BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (minor === 0n) throw new Error('the amount must be greater than zero');
  return minor.toString();
}

/** "1250", "EUR" -> "12.50 EUR". */
export function formatMoney(minor: string, currency: string): string {
  const decimals = decimalsOf(currency);
  const value = BigInt(minor);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  if (decimals === 0) return `${sign}${groupThousands(abs.toString())} ${currency}`;
  const unit = 10n ** BigInt(decimals);
  return `${sign}${groupThousands((abs / unit).toString())}.${(abs % unit).toString().padStart(decimals, '0')} ${currency}`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** part / whole as a share from 0 to 1 (0 when whole is 0), exact enough for a bar. */
export function shareOf(part: string, whole: string): number {
  const w = BigInt(whole);
  if (w <= 0n) return 0;
  const permille = (BigInt(part) * 1000n) / w;
  return Math.min(1, Math.max(0, Number(permille) / 1000));
}

/** "40.0 %" */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
