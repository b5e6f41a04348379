import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const reg = useRegistration(id, 1000);
  if (reg.isPending) return <Loading />;
  if (reg.isError) return <section className="page narrow"><ErrorMessage error={reg.error} /></section>;
  const r = reg.data;
  const status = t(`status.${r.status}`);
  return (
    <section className="page narrow">
      {r.status === 'confirmed' ? (
        <>
          <title>{t('common.pageTitle', { title: t('payment.received') })}</title>
          <h1>{t('payment.received')}</h1>
          {r.tickets_issued_at ? (
            <p className="alert alert-ok" role="status">
              {t('payment.ticketsReady')}{' '}
              <Link className="btn btn-primary" to={`${regPath(r.id)}/tickets`}>{t('registration.showTickets')}</Link>
            </p>
          ) : (
            <p className="alert alert-ok" role="status">{t('payment.ticketsPreparing')}</p>
          )}
        </>
      ) : r.status === 'pending_payment' ? (
        <>
          <title>{t('common.pageTitle', { title: t('payment.confirming') })}</title>
          <h1>{t('payment.confirming')}</h1>
          <p className="alert alert-warn" role="status">{t('payment.waitingForProvider')}</p>
        </>
      ) : (
        <>
          <title>{t('common.pageTitle', { title: t('payment.title') })}</title>
          <h1>{t('payment.title')}</h1>
          <p className="alert alert-error" role="status">
            {r.refund_status
              ? t('payment.endedWithRefund', { status, refund: t(`refundStatus.${r.refund_status}`, { defaultValue: r.refund_status }) })
              : t('payment.ended', { status })}
          </p>
        </>
      )}
      <p><Link to={regPath(r.id)}>{t('tickets.details')}</Link></p>
    </section>
  );
}

/** /registrations/:id/payment-cancelled — back from Checkout without paying. */
export function PaymentCancelledPage() {
  const { t } = useTranslation();
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
      <title>{t('common.pageTitle', { title: t('payment.notCompleted') })}</title>
      <h1>{t('payment.notCompleted')}</h1>
      {r.status === 'pending_payment' ? (
        <div className="alert alert-warn pay-box">
          {r.expires_at && <p><HoldCountdown expiresAt={r.expires_at} onExpire={onExpire} /></p>}
          <p>{t('payment.leftWithoutPaying')}</p>
          <p>
            {r.checkout_url && <a className="btn btn-primary" href={r.checkout_url}>{t('registration.payNow')}</a>}{' '}
            <ConfirmButton question={t('payment.releaseQuestion')} confirmLabel={t('payment.releaseConfirm')} busy={cancel.isPending}
              onConfirm={() => cancel.mutate(r.id)}>
              {t('payment.release')}
            </ConfirmButton>
          </p>
          <ErrorMessage error={cancel.error} />
        </div>
      ) : r.status === 'cancelled' || r.status === 'expired' ? (
        <p className="alert alert-ok" role="status">{t('payment.released')}</p>
      ) : (
        <p className="alert alert-ok" role="status">{t('payment.statusIs', { status: t(`status.${r.status}`) })}</p>
      )}
      <p><Link to={regPath(r.id)}>{t('tickets.details')}</Link></p>
    </section>
  );
}
