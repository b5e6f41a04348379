import i18n from '@/i18n';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { StatusBadge } from '@/components/StatusBadge';
import type { TFunction } from 'i18next';
import type { Event, Registration, Ticket } from '@/lib/api';
import { formatDateTime, formatEventRange, formatPrice } from '@/lib/format';


export type EventInfo = Event;

/**
 * What a ticket is: the name the registration carries (hidden ticket types too, which the
 * public event view leaves out), else the event's list, else a generic word.
 */
export function ticketTypeName(ticket: Ticket, ev: EventInfo | undefined): string {
  return ticket.ticket_type_name ?? ev?.ticket_types.find((tt) => tt.id === ticket.ticket_type_id)?.name ?? i18n.t('registration.ticket');
}

/**
 * What the confirmation box says about the tickets: "emailed" only once the mail with them
 * was queued (`tickets_emailed_at`), never before.
 */
export function ticketsNotice(reg: Registration, t: TFunction = i18n.t): string | null {
  if (reg.status !== 'confirmed') return null;
  if (reg.tickets_emailed_at) return t('registration.ticketsEmailed');
  if (reg.tickets_issued_at) return t('registration.ticketsReady');
  return t('registration.ticketsPreparing');
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
  const { t } = useTranslation();
  if (reg.tickets.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="tickets">
        <caption className="visually-hidden">{t('registration.tickets')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('registration.ticket')}</th>
            <th scope="col">{t('registration.attendee')}</th>
            <th scope="col">{t('registration.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('registration.download')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {reg.tickets.map((tk) => (
            <tr key={tk.id}>
              <td>{ticketTypeName(tk, ev)}</td>
              <td>
                {tk.attendee_name}
                <span className="hint block">{tk.attendee_email}</span>
              </td>
              <td>
                <StatusBadge status={tk.status} />
                {tk.checked_in_at && ev && (
                  <span className="hint block">{formatDateTime(tk.checked_in_at, ev.timezone)}</span>
                )}
              </td>
              <td>
                {/* pdf_url is null until the tickets are issued, and for tickets that are not valid. */}
                {reg.status === 'confirmed' && tk.status !== 'cancelled' && tk.pdf_url && (
                  <a className="btn btn-secondary btn-small" href={tk.pdf_url}>
                    {t('registration.pdf')}
                    <span className="visually-hidden">{t('registration.pdfFor', { name: tk.attendee_name })}</span>
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
  const { t } = useTranslation();
  const count = reg.items.reduce((s, i) => s + i.quantity, 0);
  return (
    <p className="reg-summary">
      <StatusBadge status={reg.status} />{' '}
      {t('register.ticketCount', { count })} · {formatPrice(reg.total, reg.currency)}
      <span className="hint">{t('registration.ref', { id: reg.id })}</span>
    </p>
  );
}

export function EventLink({ reg, ev }: { reg: Registration; ev: EventInfo | undefined }) {
  const { t } = useTranslation();
  return <Link to={`/events/${encodeURIComponent(reg.event_id)}`}>{ev?.title ?? t('events.event')}</Link>;
}

/** How a held registration is paid: Stripe's checkout, or why this site takes no online payment. */
export function PayAction({ reg, ev }: { reg: Registration; ev: EventInfo | undefined }) {
  const { t } = useTranslation();
  if (reg.checkout_url) {
    return (
      <p>
        <a className="btn btn-primary" href={reg.checkout_url}>
          {t('registration.payNow')}
        </a>
      </p>
    );
  }
  return (
    <p className="no-online-payment">
      <strong>{t('payment.notConfigured')}</strong>{' '}
      {ev?.pay_at_door ? t('payment.payAtDoor') : t('payment.contactOrganizer')}
    </p>
  );
}
