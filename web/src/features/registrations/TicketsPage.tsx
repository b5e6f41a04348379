import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import QRCode from 'qrcode';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { StatusBadge } from '@/components/StatusBadge';
import { isApiError, type Ticket } from '@/lib/api';
import { formatEventRange } from '@/lib/dates';
import { useEventsById, useRegistration } from './api';
import { EventLink, ticketTypeName } from './RegistrationView';

/** The QR code of a ticket's signed text, as SVG: black on white, quiet zone kept. */
export function TicketQr({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } })
      .then((s) => live && setSvg(s))
      .catch(() => live && setSvg(null));
    return () => {
      live = false;
    };
  }, [text]);
  if (!svg) return <div className="ticket-qr ticket-qr-empty" aria-hidden="true" />;
  return <div className="ticket-qr" role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />;
}

function TicketCard({ t, index, count, typeName }: { t: Ticket; index: number; count: number; typeName: string }) {
  const usable = t.status !== 'cancelled' && t.qr;
  return (
    <li className="ticket-card">
      <p className="hint">
        Ticket {index + 1} of {count}
      </p>
      {usable && t.qr ? (
        <TicketQr text={t.qr} label={`QR code of the ticket for ${t.attendee_name}`} />
      ) : (
        <p className="alert alert-warn">{t.status === 'cancelled' ? 'This ticket was cancelled and is not valid.' : 'This ticket is not valid yet.'}</p>
      )}
      <p className="ticket-name" dir="auto">
        {t.attendee_name}
      </p>
      <p>
        {typeName} <StatusBadge status={t.status} />
      </p>
      <p className="hint">{t.id}</p>
    </li>
  );
}

/** /registrations/:id/tickets — each ticket's QR code, big and bright for the door. */
export function TicketsPage() {
  const { id = '' } = useParams();
  const reg = useRegistration(id);
  const events = useEventsById(reg.data ? [reg.data.event_id] : []);

  if (reg.isPending) return <Loading />;
  if (reg.isError) {
    return (
      <section className="page narrow">
        <h1>Tickets</h1>
        {isApiError(reg.error) && reg.error.status === 404 ? <p>We couldn&apos;t find these tickets.</p> : <ErrorMessage error={reg.error} />}
      </section>
    );
  }
  const r = reg.data;
  const ev = events.get(r.event_id);
  const issued = r.status === 'confirmed' && r.tickets_issued_at !== null;
  const pdf = r.tickets.find((t) => t.pdf_url)?.pdf_url;
  return (
    <section className="page narrow tickets-page">
      <h1>Your tickets</h1>
      <h2 className="h3">
        <EventLink reg={r} ev={ev} />
      </h2>
      {ev && (
        <p className="card-meta">
          <time dateTime={ev.starts_at}>{formatEventRange(ev.starts_at, ev.ends_at, ev.timezone)}</time> · {ev.venue}
        </p>
      )}
      {r.status === 'confirmed' && !issued && (
        <p className="alert" role="status">
          Your tickets are being prepared…
        </p>
      )}
      {r.status !== 'confirmed' && <p className="alert alert-warn">Tickets are valid only once the registration is confirmed.</p>}
      {issued && (
        <p className="ticket-actions">
          {pdf && (
            <a className="btn btn-primary" href={pdf} download>
              Download PDF
            </a>
          )}{' '}
          <a className="btn btn-secondary" href={`/api/v1/registrations/${encodeURIComponent(r.id)}/calendar.ics`} download>
            Add to calendar
          </a>
        </p>
      )}
      <ol className="ticket-cards">
        {r.tickets.map((t, i) => (
          <TicketCard key={t.id} t={t} index={i} count={r.tickets.length} typeName={ticketTypeName(t, ev)} />
        ))}
      </ol>
      <p>
        <Link to={`/registrations/${encodeURIComponent(r.id)}`}>Registration details</Link>
      </p>
    </section>
  );
}
