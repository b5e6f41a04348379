// Every date, time, number and amount of money the app shows is formatted here, by the
// browser's locale through Intl (words around them come from the translation layer).
import i18n from '@/i18n';
import { currencyDigits } from './money';
import { dateInZone, zonedFormat } from './dates';

/** The locale formats follow: the browser's (undefined lets Intl pick it). */
export function formatLocale(): string | undefined {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : undefined;
}

const DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/** 1234 → "1,234" */
export function formatNumber(n: number, locale = formatLocale()): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** 15 → "15%" */
export function formatPercent(percent: number, locale = formatLocale()): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(percent / 100);
}

/** 1500, "EUR" → "€15.00" (in the given or the browser's locale). */
export function formatMoney(minor: number, currency: string, locale = formatLocale()): string {
  const digits = currencyDigits(currency);
  const value = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency}`;
  }
}

/** Like formatMoney but 0 is "Free". */
export function formatPrice(minor: number, currency: string, locale = formatLocale()): string {
  return minor === 0 ? i18n.t('common.free') : formatMoney(minor, currency, locale);
}

/** The lowest and highest price as "Free", "€15.00" or "€10.00 – €25.00"; "" for no prices. */
export function formatPriceRange(prices: number[], currency: string, locale = formatLocale()): string {
  if (prices.length === 0) return '';
  const lo = Math.min(...prices);
  const hi = Math.max(...prices);
  if (lo === hi) return formatPrice(lo, currency, locale);
  return `${formatPrice(lo, currency, locale)} – ${formatMoney(hi, currency, locale)}`;
}

/** "Sat, 14 Jun 2025, 19:00 CEST" */
export function formatDateTime(iso: string, tz: string, locale = formatLocale()): string {
  return zonedFormat(tz, locale, { ...DAY, ...TIME, timeZoneName: 'short' }).format(new Date(iso));
}

/** "Sat, 14 Jun 2025" */
export function formatDate(iso: string, tz: string, locale = formatLocale()): string {
  return zonedFormat(tz, locale, DAY).format(new Date(iso));
}

/**
 * An event's span in its zone: "Sat, 14 Jun 2025, 19:00 – 23:00 CEST" on one day,
 * "Sat, 14 Jun 2025, 10:00 – Sun, 15 Jun 2025, 18:00 CEST" across days.
 */
export function formatEventRange(startIso: string, endIso: string, tz: string, locale = formatLocale()): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const zoneName = zonedFormat(tz, locale, { ...TIME, timeZoneName: 'short' })
    .formatToParts(start)
    .find((p) => p.type === 'timeZoneName')?.value;
  const day = zonedFormat(tz, locale, DAY);
  const time = zonedFormat(tz, locale, TIME);
  const zone = zoneName ? ` ${zoneName}` : '';
  if (dateInZone(start, tz) === dateInZone(end, tz)) {
    return `${day.format(start)}, ${time.format(start)} – ${time.format(end)}${zone}`;
  }
  return `${day.format(start)}, ${time.format(start)} – ${day.format(end)}, ${time.format(end)}${zone}`;
}

/** "in 4 min 05 s" style countdown text; "0:00" when past. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** An instant in the browser's zone and locale ("14 Jun 2025, 19:00"). */
export function formatInstant(iso: string, locale = formatLocale()): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** ["a", "b", "c"] → "a, b and c" (the locale's conjunction). */
export function formatList(items: string[], locale = formatLocale()): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
}

/** A UTC day as "Wed, 25 Nov". */
export function formatDayOfYear(day: Date, locale = formatLocale()): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(day);
}

/** The time of day of an instant in the browser's zone ("19:04"). */
export function formatTimeOfDay(iso: string, locale = formatLocale()): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** A scan's moment in the event's zone, to the second and short for a phone ("27 Nov, 18:02:31"). */
export function formatScanTime(iso: string, tz: string, locale = formatLocale()): string {
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' };
  return zonedFormat(tz, locale, opts).format(new Date(iso));
}
