// Times are UTC on the wire; each event is shown in its own IANA time zone (lib/format.ts
// renders them). Here: zone arithmetic and the values date inputs need.

export function zonedFormat(tz: string, locale: string | undefined, opts: Intl.DateTimeFormatOptions) {
  try {
    return new Intl.DateTimeFormat(locale, { ...opts, timeZone: tz });
  } catch {
    return new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' });
  }
}


/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateInZone(iso: string | Date, tz: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const parts = zonedFormat(tz, 'en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Offset of `tz` from UTC at instant `utcMs`, in minutes (Berlin in summer: +120). */
export function zoneOffsetMinutes(utcMs: number, tz: string): number {
  const parts = zonedFormat(tz, 'en-US', {
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/**
 * A wall-clock time typed in an event's zone (`datetime-local` value "2025-06-14T19:00")
 * → RFC 3339 UTC ("2025-06-14T17:00:00Z"). Null for an unparsable value.
 */
export function zonedInputToUtc(local: string, tz: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // Two passes settle the offset around DST changes.
  let guess = wall - zoneOffsetMinutes(wall, tz) * 60000;
  guess = wall - zoneOffsetMinutes(guess, tz) * 60000;
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 instant → `datetime-local` value in the zone ("2025-06-14T19:00"). */
export function utcToZonedInput(iso: string, tz: string): string {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return '';
  const local = new Date(ms + zoneOffsetMinutes(ms, tz) * 60000);
  return local.toISOString().slice(0, 16);
}

/** A `YYYY-MM-DD` date in the browser's zone → the RFC 3339 instant its day starts. */
export function localDayStartIso(date: string, plusDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return new Date(+m[1], +m[2] - 1, +m[3] + plusDays).toISOString();
}

/** The IANA zones the runtime knows (for a select), with a fallback list. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    const all = intl.supportedValuesOf?.('timeZone');
    if (all && all.length) return all.includes('UTC') ? all : ['UTC', ...all];
  } catch {
    /* fall through */
  }
  return ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
