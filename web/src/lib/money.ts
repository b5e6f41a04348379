// Money is integer minor units plus an ISO 4217 currency (shown by lib/format.ts); the
// conversions a form needs between minor units and what a person types.

const digitsCache = new Map<string, number>();

/** How many minor-unit digits a currency has (EUR 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  const key = currency.toUpperCase();
  let d = digitsCache.get(key);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency: key }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(key, d);
  }
  return d;
}

/** Minor units → the decimal string an input shows ("15.00"). */
export function minorToInput(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/**
 * A decimal typed by a person ("15", "15.5", "15,50") → minor units, or null when it is
 * not a non-negative amount with at most the currency's digits.
 */
export function parseMoneyInput(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > digits) return null;
  const whole = Number(m[1]);
  const fracValue = frac === '' ? 0 : Number(frac.padEnd(digits, '0'));
  const minor = whole * 10 ** digits + fracValue;
  return Number.isSafeInteger(minor) ? minor : null;
}
