// The offline answer to a scan, from the stored bundle alone (the server settles it later).
import { verifyCode } from './code';
import type { StoredBundle } from './offline';

export type Outcome = 'ok' | 'already_checked_in' | 'invalid' | 'wrong_event' | 'cancelled' | 'not_paid';

export interface Decision {
  result: Outcome;
  ticketId?: string;
  name?: string;
  type?: string;
  checkedInAt?: string | null;
}

export async function decideOffline(text: string, eventId: string, bundle: StoredBundle): Promise<Decision> {
  const code = await verifyCode(text, bundle.keys);
  if (!code) return { result: 'invalid' };
  if (code.eventId !== eventId) return { result: 'wrong_event' };
  const t = bundle.tickets[code.ticketId];
  // A genuine code of a ticket the bundle does not know yet (sold after it was fetched):
  // refused at the door rather than let in unseen; syncing the bundle again fixes it.
  if (!t) return { result: 'invalid', ticketId: code.ticketId };
  const who = { ticketId: t.id, name: t.attendee_name, type: t.ticket_type, checkedInAt: t.checked_in_at };
  if (t.status === 'checked_in') return { result: 'already_checked_in', ...who };
  if (t.status === 'cancelled') return { result: 'cancelled', ...who };
  if (t.status === 'not_paid') return { result: 'not_paid', ...who };
  return { result: 'ok', ...who };
}

/** What the person at the door reads, large. */
export function headline(result: Outcome | 'undone'): string {
  switch (result) {
    case 'ok':
      return 'Welcome in';
    case 'already_checked_in':
      return 'Already checked in';
    case 'cancelled':
      return 'Ticket cancelled';
    case 'not_paid':
      return 'Not paid';
    case 'wrong_event':
      return 'Ticket for another event';
    default:
      return 'Not a valid ticket';
  }
}
