import { Link } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import type { Registration } from '@/lib/api';
import { useCancelRegistration, useEventsById, useMyRegistrations } from './api';
import { EventLine, EventLink, Summary, TicketList, canCancel, type EventInfo } from './RegistrationView';

function RegistrationCard({ reg, ev }: { reg: Registration; ev: EventInfo | undefined }) {
  const cancel = useCancelRegistration();
  const cancellable = canCancel(reg, ev);
  return (
    <article className="card registration-card" aria-label={`Registration for ${ev?.title ?? 'event'}`}>
      <h3 className="card-title">
        <EventLink reg={reg} ev={ev} />
      </h3>
      <EventLine ev={ev} />
      <Summary reg={reg} />
      {reg.status === 'confirmed' && (
        <p className="hint">{reg.tickets_emailed_at ? 'Tickets emailed.' : reg.tickets_issued_at ? 'Tickets ready.' : 'Tickets being prepared.'}</p>
      )}
      <details>
        <summary>Tickets</summary>
        <TicketList reg={reg} ev={ev} />
      </details>
      <p className="card-actions">
        <Link className="btn btn-secondary btn-small" to={`/registrations/${encodeURIComponent(reg.id)}`}>
          {reg.status === 'pending_payment' && reg.checkout_url ? 'Pay now' : 'View'}
        </Link>
        {reg.status === 'confirmed' && reg.tickets_issued_at && (
          <Link className="btn btn-primary btn-small" to={`/registrations/${encodeURIComponent(reg.id)}/tickets`}>
            Tickets
          </Link>
        )}
        {cancellable && (
          <ConfirmButton
            className="btn btn-danger-outline btn-small"
            question="Cancel this registration?"
            confirmLabel="Yes, cancel it"
            busy={cancel.isPending}
            onConfirm={() => cancel.mutate(reg.id)}
          >
            Cancel
          </ConfirmButton>
        )}
      </p>
      <ErrorMessage error={cancel.error} />
    </article>
  );
}

/** /me/registrations — upcoming and past. */
export function MyRegistrationsPage() {
  const regs = useMyRegistrations();
  const events = useEventsById((regs.data ?? []).map((r) => r.event_id));

  if (regs.isPending) return <Loading />;
  if (regs.isError) return <ErrorMessage error={regs.error} />;

  const now = Date.now();
  const withEv = regs.data.map((r) => ({ r, ev: events.get(r.event_id) }));
  const isUpcoming = (ev: EventInfo | undefined) => !ev || new Date(ev.ends_at).getTime() > now;
  const upcoming = withEv
    .filter((x) => isUpcoming(x.ev))
    .sort((a, b) => (a.ev?.starts_at ?? '').localeCompare(b.ev?.starts_at ?? ''));
  const past = withEv.filter((x) => !isUpcoming(x.ev));

  return (
    <section className="page">
      <title>{'My registrations · admit'}</title>
      <h1>My registrations</h1>
      {regs.data.length === 0 ? (
        <p className="empty">
          You haven&apos;t registered for anything yet. <Link to="/">Find an event.</Link>
        </p>
      ) : (
        <>
          <section aria-labelledby="upcoming-h">
            <h2 id="upcoming-h">Upcoming</h2>
            {upcoming.length === 0 ? (
              <p className="empty">Nothing coming up.</p>
            ) : (
              <ul className="card-list">
                {upcoming.map(({ r, ev }) => (
                  <li key={r.id}>
                    <RegistrationCard reg={r} ev={ev} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          {past.length > 0 && (
            <section aria-labelledby="past-h">
              <h2 id="past-h">Past</h2>
              <ul className="card-list">
                {past.map(({ r, ev }) => (
                  <li key={r.id}>
                    <RegistrationCard reg={r} ev={ev} />
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </section>
  );
}
