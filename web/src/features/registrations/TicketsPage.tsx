import { useTranslation } from 'react-i18next';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import QRCode from 'qrcode';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { StatusBadge } from '@/components/StatusBadge';
import { isApiError, type Ticket } from '@/lib/api';
import { formatEventRange } from '@/lib/format';
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

function TicketCard({ tk, index, count, typeName }: { tk: Ticket; index: number; count: number; typeName: string }) {
  const { t } = useTranslation();
  const usable = tk.status !== 'cancelled' && tk.qr;
  return (
    <li className="ticket-card">
      <p className="hint">
        {t('tickets.nOfCount', { n: index + 1, count })}
      </p>
      {usable && tk.qr ? (
        <TicketQr text={tk.qr} label={t('tickets.qrLabel', { name: tk.attendee_name })} />
      ) : (
        <p className="alert alert-warn">{tk.status === 'cancelled' ? t('tickets.cancelled') : t('tickets.notValidYet')}</p>
      )}
      <p className="ticket-name" dir="auto">
        {tk.attendee_name}
      </p>
      <p>
        {typeName} <StatusBadge status={tk.status} />
      </p>
      <p className="hint">{tk.id}</p>
    </li>
  );
}

/** /registrations/:id/tickets — each ticket's QR code, big and bright for the door. */
export function TicketsPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const reg = useRegistration(id);
  const events = useEventsById(reg.data ? [reg.data.event_id] : []);

  if (reg.isPending) return <Loading />;
  if (reg.isError) {
    return (
      <section className="page narrow">
        <h1>{t('registration.tickets')}</h1>
        {isApiError(reg.error) && reg.error.status === 404 ? <p>{t('tickets.notFound')}</p> : <ErrorMessage error={reg.error} />}
      </section>
    );
  }
  const r = reg.data;
  const ev = events.get(r.event_id);
  const issued = r.status === 'confirmed' && r.tickets_issued_at !== null;
  const pdf = r.tickets.find((t) => t.pdf_url)?.pdf_url;
  return (
    <section className="page narrow tickets-page">
      <title>{t('common.pageTitle', { title: t('tickets.title') })}</title>
      <h1>{t('tickets.title')}</h1>
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
          {t('tickets.preparing')}
        </p>
      )}
      {r.status !== 'confirmed' && <p className="alert alert-warn">{t('tickets.onlyConfirmed')}</p>}
      {issued && (
        <p className="ticket-actions">
          {pdf && (
            <a className="btn btn-primary" href={pdf} download>
              {t('tickets.downloadPdf')}
            </a>
          )}{' '}
          <a className="btn btn-secondary" href={`/api/v1/registrations/${encodeURIComponent(r.id)}/calendar.ics`} download>
            {t('tickets.addToCalendar')}
          </a>
        </p>
      )}
      <ol className="ticket-cards">
        {r.tickets.map((tk, i) => (
          <TicketCard key={tk.id} tk={tk} index={i} count={r.tickets.length} typeName={ticketTypeName(tk, ev)} />
        ))}
      </ol>
      <p>
        <Link to={`/registrations/${encodeURIComponent(r.id)}`}>{t('tickets.details')}</Link>
      </p>
    </section>
  );
}
