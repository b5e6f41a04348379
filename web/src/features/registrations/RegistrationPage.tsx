import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { useCancelRegistration, useEventsById, useRegistration } from './api';
import { HoldCountdown } from './HoldCountdown';
import { EventLine, EventLink, PayAction, Summary, TicketList, canCancel, ticketsNotice } from './RegistrationView';

/** /registrations/:id — the confirmation, the hold and payment link, the tickets. */
export function RegistrationPage() {
  const { id = '' } = useParams();
  const reg = useRegistration(id);
  const events = useEventsById(reg.data ? [reg.data.event_id] : []);
  const cancel = useCancelRegistration();
  const refetch = reg.refetch;
  const onExpire = useCallback(() => void refetch(), [refetch]);

  if (reg.isPending) return <Loading />;
  if (reg.isError) {
    return (
      <section className="page narrow">
        <title>{'Registration · admit'}</title>
        <h1>Registration</h1>
        {isApiError(reg.error) && reg.error.status === 404 ? <p>We couldn&apos;t find this registration.</p> : <ErrorMessage error={reg.error} />}
      </section>
    );
  }
  const r = reg.data;
  const ev = events.get(r.event_id);
  const cancellable = canCancel(r, ev);

  return (
    <section className="page narrow">
      <title>{'Your registration · admit'}</title>
      <h1>
        {r.status === 'confirmed'
          ? "You're registered"
          : r.status === 'pending_payment'
            ? 'Complete your payment'
            : 'Registration'}
      </h1>
      <h2 className="h3">
        <EventLink reg={r} ev={ev} />
      </h2>
      <EventLine ev={ev} />
      <Summary reg={r} />
      {r.status === 'pending_payment' && (
        <div className="alert alert-warn pay-box">
          {r.expires_at && <p><HoldCountdown expiresAt={r.expires_at} onExpire={onExpire} /></p>}
          <p>Your seats are held until you pay. Unpaid seats are released when the time runs out.</p>
          <PayAction reg={r} ev={ev} />
        </div>
      )}
      {r.status === 'confirmed' && (
        <div className="alert alert-ok" role="status">
          <p>{ticketsNotice(r)}</p>
          {r.tickets_issued_at && (
            <p>
              <Link className="btn btn-primary" to={`/registrations/${encodeURIComponent(r.id)}/tickets`}>
                Show tickets
              </Link>
            </p>
          )}
        </div>
      )}
      {r.status === 'expired' && <p className="alert alert-error">The hold ran out before payment; the seats were released.</p>}
      <TicketList reg={r} ev={ev} />
      <ErrorMessage error={cancel.error} />
      {cancellable && (
        <p>
          <ConfirmButton
            question="Cancel this registration? Your seats go back on sale."
            confirmLabel="Yes, cancel it"
            busy={cancel.isPending}
            onConfirm={() => cancel.mutate(r.id)}
          >
            Cancel registration
          </ConfirmButton>
        </p>
      )}
    </section>
  );
}
