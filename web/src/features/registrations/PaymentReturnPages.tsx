import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { useCancelRegistration, useRegistration } from './api';
import { HoldCountdown } from './HoldCountdown';

const regPath = (id: string) => `/registrations/${encodeURIComponent(id)}`;

/**
 * /registrations/:id/paid — where Stripe Checkout sends the attendee back after paying.
 * Coming back proves nothing: the page shows the registration's live state and the
 * tickets only once the verified webhook has confirmed it (it polls until then).
 */
export function PaymentSuccessPage() {
  const { id = '' } = useParams();
  const reg = useRegistration(id, 1000);
  if (reg.isPending) return <Loading />;
  if (reg.isError) return <section className="page narrow"><ErrorMessage error={reg.error} /></section>;
  const r = reg.data;
  return (
    <section className="page narrow">
      {r.status === 'confirmed' ? (
        <>
          <h1>Payment received — you&apos;re registered</h1>
          {r.tickets_issued_at ? (
            <p className="alert alert-ok" role="status">
              Your tickets are ready and on their way by email.{' '}
              <Link className="btn btn-primary" to={`${regPath(r.id)}/tickets`}>Show tickets</Link>
            </p>
          ) : (
            <p className="alert alert-ok" role="status">Payment confirmed. Your tickets are being prepared…</p>
          )}
        </>
      ) : r.status === 'pending_payment' ? (
        <>
          <h1>Thank you — confirming your payment</h1>
          <p className="alert alert-warn" role="status">
            We are waiting for the payment provider to confirm your payment. This page updates by itself.
          </p>
        </>
      ) : (
        <>
          <h1>Payment</h1>
          <p className="alert alert-error" role="status">
            This registration is {r.status.replace('_', ' ')}
            {r.refund_status ? ` (refund ${r.refund_status.replace('_', ' ')})` : ''}. If you paid after your hold
            ended and no seats were left, your money is refunded and we emailed you.
          </p>
        </>
      )}
      <p><Link to={regPath(r.id)}>Registration details</Link></p>
    </section>
  );
}

/** /registrations/:id/payment-cancelled — back from Checkout without paying. */
export function PaymentCancelledPage() {
  const { id = '' } = useParams();
  const reg = useRegistration(id);
  const cancel = useCancelRegistration();
  const refetch = reg.refetch;
  const onExpire = useCallback(() => void refetch(), [refetch]);
  if (reg.isPending) return <Loading />;
  if (reg.isError) return <section className="page narrow"><ErrorMessage error={reg.error} /></section>;
  const r = reg.data;
  return (
    <section className="page narrow">
      <h1>Payment not completed</h1>
      {r.status === 'pending_payment' ? (
        <div className="alert alert-warn pay-box">
          {r.expires_at && <p><HoldCountdown expiresAt={r.expires_at} onExpire={onExpire} /></p>}
          <p>You left the payment page without paying. Your seats stay held until the time runs out.</p>
          <p>
            {r.checkout_url && <a className="btn btn-primary" href={r.checkout_url}>Pay now</a>}{' '}
            <ConfirmButton question="Release your seats?" confirmLabel="Yes, release them" busy={cancel.isPending}
              onConfirm={() => cancel.mutate(r.id)}>
              Release my seats
            </ConfirmButton>
          </p>
          <ErrorMessage error={cancel.error} />
        </div>
      ) : r.status === 'cancelled' || r.status === 'expired' ? (
        <p className="alert alert-ok" role="status">Your seats were released. Nothing was charged.</p>
      ) : (
        <p className="alert alert-ok" role="status">This registration is {r.status.replace('_', ' ')}.</p>
      )}
      <p><Link to={regPath(r.id)}>Registration details</Link></p>
    </section>
  );
}
