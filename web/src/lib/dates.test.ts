import { describe, expect, it } from 'vitest';
import { dateInZone, utcToZonedInput, zoneOffsetMinutes, zonedInputToUtc } from './dates';
import { formatCountdown, formatDateTime, formatEventRange } from './format';

const n = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('dates in the event zone', () => {
  it('shows an instant in the event zone, not the browser zone', () => {
    // 17:00 UTC is 19:00 in Berlin (summer) and 13:00 in New York.
    expect(n(formatDateTime('2025-06-14T17:00:00Z', 'Europe/Berlin', 'en-GB'))).toBe('Sat, 14 Jun 2025, 19:00 CEST');
    expect(n(formatDateTime('2025-06-14T17:00:00Z', 'America/New_York', 'en-GB'))).toContain('13:00');
  });

  it('shows a one-day span with one date', () => {
    expect(n(formatEventRange('2025-06-14T17:00:00Z', '2025-06-14T21:00:00Z', 'Europe/Berlin', 'en-GB'))).toBe(
      'Sat, 14 Jun 2025, 19:00 – 23:00 CEST',
    );
  });

  it('shows a span across midnight (in the zone) with both dates', () => {
    const s = n(formatEventRange('2025-06-14T20:00:00Z', '2025-06-14T23:30:00Z', 'Europe/Berlin', 'en-GB'));
    expect(s).toBe('Sat, 14 Jun 2025, 22:00 – Sun, 15 Jun 2025, 01:30 CEST');
  });

  it('finds the calendar date in a zone', () => {
    expect(dateInZone('2025-01-01T02:00:00Z', 'America/Los_Angeles')).toBe('2024-12-31');
    expect(dateInZone('2025-01-01T02:00:00Z', 'Asia/Tokyo')).toBe('2025-01-01');
  });

  it('knows zone offsets, DST included', () => {
    expect(zoneOffsetMinutes(Date.UTC(2025, 0, 15), 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(Date.UTC(2025, 6, 15), 'Europe/Berlin')).toBe(120);
    expect(zoneOffsetMinutes(Date.UTC(2025, 6, 15), 'America/New_York')).toBe(-240);
    expect(zoneOffsetMinutes(Date.UTC(2025, 6, 15), 'Asia/Kolkata')).toBe(330);
  });

  it('converts datetime-local values in a zone to UTC and back', () => {
    expect(zonedInputToUtc('2025-06-14T19:00', 'Europe/Berlin')).toBe('2025-06-14T17:00:00Z');
    expect(zonedInputToUtc('2025-01-14T19:00', 'Europe/Berlin')).toBe('2025-01-14T18:00:00Z');
    expect(zonedInputToUtc('2025-06-14T19:00', 'America/New_York')).toBe('2025-06-14T23:00:00Z');
    expect(zonedInputToUtc('nonsense', 'UTC')).toBeNull();
    expect(utcToZonedInput('2025-06-14T17:00:00Z', 'Europe/Berlin')).toBe('2025-06-14T19:00');
    expect(utcToZonedInput('2025-11-02T06:30:00Z', 'America/New_York')).toBe('2025-11-02T01:30');
    for (const local of ['2025-03-30T12:00', '2025-10-26T12:00', '2025-12-31T23:59']) {
      expect(utcToZonedInput(zonedInputToUtc(local, 'Europe/Berlin')!, 'Europe/Berlin')).toBe(local);
    }
  });

  it('formats countdowns', () => {
    expect(formatCountdown(14 * 60_000 + 5_000)).toBe('14:05');
    expect(formatCountdown(3_600_000 + 61_000)).toBe('1:01:01');
    expect(formatCountdown(-5)).toBe('0:00');
  });
});
