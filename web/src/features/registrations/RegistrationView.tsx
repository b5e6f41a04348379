import { Link } from 'react-router';
import { StatusBadge } from '@/components/StatusBadge';
import type { Event, Registration, Ticket } from '@/lib/api';
import { formatDateTime, formatEventRange } from '@/lib/dates';
import { formatPrice } from '@/lib/money';

export type EventInfo = Event;

/**
 * What a ticket is: the name the registration carries (hidden ticket types too, which the
 * public event view leaves out), else the event's list, else a generic word.
 */
export function ticketTypeName(ticket: Ticket, ev: EventInfo | undefined): string {
  return ticket.ticket_type_name ?? ev?.ticket_types.find((t) => t.id === ticket.ticket_type_id)?.name ?? 'Ticket';
}

/**
 * What the confirmation box says about the tickets: "emailed" only once the mail with them
 * was queued (`tickets_emailed_at`), never before.
 */
export function ticketsNotice(reg: Registration): string | null {
  if (reg.status !== 'confirmed') return null;
  if (reg.tickets_emailed_at) return 'We\u2019ve emailed your tickets (PDF and calendar entry). You can also show them from here.';
  if (reg.tickets_issued_at) return 'Your tickets are ready. Show them from here or download the PDF.';
  return 'Your tickets are being prepared; they will be emailed to you in a moment.';
}

/** Whether the attendee may still cancel: an active registration before the event's cut-off. */
export function canCancel(reg: Registration, ev: EventInfo | undefined, now = Date.now()): boolean {
  if (reg.status !== 'confirmed' && reg.status !== 'pending_payment') return false;
  if (!ev) return false;
  const cutoffMs = (ev.cancel_cutoff_hours ?? 0) * 3_600_000;
  return now < new Date(ev.starts_at).getTime() - cutoffMs;
}

export function EventLine({ ev }: { ev: EventInfo | undefined }) {
  if (!ev) return null;
  return (
    <p className="card-meta">
      <time dateTime={ev.starts_at}>{formatEventRange(ev.starts_at, ev.ends_at, ev.timezone)}</time> · {ev.venue}
    </p>
  );
}

export function TicketList({ reg, ev }: { reg: Registration; ev: EventInfo | undefined }) {
  if (reg.tickets.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="tickets">
        <caption className="visually-hidden">Tickets</caption>
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Attendee</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {reg.tickets.map((t) => (
            <tr key={t.id}>
              <td>{ticketTypeName(t, ev)}</td>
              <td>
                {t.attendee_name}
                <span className="hint block">{t.attendee_email}</span>
              </td>
              <td>
                <StatusBadge status={t.status} />
                {t.checked_in_at && ev && (
                  <span className="hint block">{formatDateTime(t.checked_in_at, ev.timezone)}</span>
                )}
              </td>
              <td>
                {/* pdf_url is null until the tickets are issued, and for tickets that are not valid. */}
                {reg.status === 'confirmed' && t.status !== 'cancelled' && t.pdf_url && (
                  <a className="btn btn-secondary btn-small" href={t.pdf_url}>
                    PDF<span className="visually-hidden"> ticket for {t.attendee_name}</span>
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Summary({ reg }: { reg: Registration }) {
  const count = reg.items.reduce((s, i) => s + i.quantity, 0);
  return (
    <p className="reg-summary">
      <StatusBadge status={reg.status} />{' '}
      {count} {count === 1 ? 'ticket' : 'tickets'} · {formatPrice(reg.total, reg.currency)}
      <span className="hint"> · ref {reg.id}</span>
    </p>
  );
}

export function EventLink({ reg, ev }: { reg: Registration; ev: EventInfo | undefined }) {
  return <Link to={`/events/${encodeURIComponent(reg.event_id)}`}>{ev?.title ?? 'Event'}</Link>;
}

/** How a held registration is paid: Stripe's checkout, or why this site takes no online payment. */
export function PayAction({ reg, ev }: { reg: Registration; ev: EventInfo | undefined }) {
  if (reg.checkout_url) {
    return (
      <p>
        <a className="btn btn-primary" href={reg.checkout_url}>
          Pay now
        </a>
      </p>
    );
  }
  return (
    <p className="no-online-payment">
      <strong>Online payment is not configured on this site.</strong>{' '}
      {ev?.pay_at_door
        ? 'This event takes payment at the door or by invoice: the organizer marks your registration paid.'
        : 'This registration cannot be paid here; contact the organizer.'}
    </p>
  );
}
