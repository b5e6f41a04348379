import { describe, expect, it } from 'vitest';
import { formatDateTime } from '@/lib/dates';
import { describeExpiry, expiryFor, isExpired } from './expiry';

const event = { ends_at: '2026-06-14T21:00:00Z', timezone: 'Europe/Berlin' };
const now = new Date('2026-06-14T12:00:00Z');

describe('door token expiry', () => {
  it('sends null for no expiry', () => {
    expect(expiryFor('none', '', event, now)).toEqual({ ok: true, expiresAt: null });
  });

  it('uses the end of the event, unless it has passed', () => {
    expect(expiryFor('event_end', '', event, now)).toEqual({ ok: true, expiresAt: '2026-06-14T21:00:00.000Z' });
    const later = new Date('2026-06-15T00:00:00Z');
    const r = expiryFor('event_end', '', event, later);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/already ended/);
  });

  it('reads a typed date and time in the event’s time zone', () => {
    // 23:30 in Berlin in June (CEST, UTC+2) is 21:30 UTC.
    expect(expiryFor('custom', '2026-06-14T23:30', event, now)).toEqual({ ok: true, expiresAt: '2026-06-14T21:30:00.000Z' });
  });

  it('refuses a past or missing custom time before asking the server', () => {
    const past = expiryFor('custom', '2026-06-14T13:59', event, now); // 11:59 UTC
    expect(past).toEqual({ ok: false, problem: 'Pick a time in the future.' });
    expect(expiryFor('custom', '', event, now)).toEqual({ ok: false, problem: 'Pick a date and time.' });
  });

  it('describes the expiry as the token list shows it', () => {
    expect(describeExpiry(null, event.timezone, now)).toBe('No expiry');
    const shown = (iso: string) => formatDateTime(iso, event.timezone);
    expect(describeExpiry('2026-06-14T21:00:00Z', event.timezone, now)).toBe(`Expires ${shown('2026-06-14T21:00:00Z')}`);
    expect(describeExpiry('2026-06-14T11:00:00Z', event.timezone, now)).toBe(`Expired ${shown('2026-06-14T11:00:00Z')}`);
    // In the event's zone, not the browser's.
    expect(shown('2026-06-14T21:00:00Z')).toMatch(/11:00\s?PM|23:00/);
    expect(isExpired('2026-06-14T11:00:00Z', now)).toBe(true);
    expect(isExpired('2026-06-14T21:00:00Z', now)).toBe(false);
    expect(isExpired(null, now)).toBe(false);
  });
});
