// When a door token stops working: the organizer picks none, the end of the event, or a
// date and time (typed in the event's time zone). The server refuses a time that is not in
// the future (422 naming `expires_at`); the form says so before sending.
import { formatDateTime, zonedInputToUtc } from '@/lib/dates';

export type ExpiryChoice = 'none' | 'event_end' | 'custom';

export type Expiry = { ok: true; expiresAt: string | null } | { ok: false; problem: string };

/** The `expires_at` to send for a choice, or why it cannot be sent. */
export function expiryFor(
  choice: ExpiryChoice,
  custom: string,
  event: { ends_at: string; timezone: string },
  now: Date = new Date(),
): Expiry {
  if (choice === 'none') return { ok: true, expiresAt: null };
  const iso = choice === 'event_end' ? event.ends_at : zonedInputToUtc(custom, event.timezone);
  if (!iso) return { ok: false, problem: 'Pick a date and time.' };
  if (Date.parse(iso) <= now.getTime())
    return {
      ok: false,
      problem: choice === 'event_end' ? 'The event has already ended: pick a date and time.' : 'Pick a time in the future.',
    };
  return { ok: true, expiresAt: new Date(iso).toISOString() };
}

/** "No expiry", "Expires Sat, 14 Jun 2025, 23:00 CEST" or "Expired Sat, ...". */
export function describeExpiry(expiresAt: string | null | undefined, tz: string, now: Date = new Date()): string {
  if (!expiresAt) return 'No expiry';
  const at = formatDateTime(expiresAt, tz);
  return Date.parse(expiresAt) <= now.getTime() ? `Expired ${at}` : `Expires ${at}`;
}

export function isExpired(expiresAt: string | null | undefined, now: Date = new Date()): boolean {
  return !!expiresAt && Date.parse(expiresAt) <= now.getTime();
}
