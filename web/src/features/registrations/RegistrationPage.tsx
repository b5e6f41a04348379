import { useTranslation } from 'react-i18next';
import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { useCancelRegistration, useEventsById, useRegistration } from './api';
import { HoldCountdown } from './HoldCountdown';
import { EventLine, EventLink, PayAction, Summary, TicketList, ticketsNotice } from './RegistrationView';

/** /registrations/:id — the confirmation, the hold and payment link, the tickets. */
export function RegistrationPage() {
  const { t } = useTranslation();
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
        <title>{t('common.pageTitle', { title: t('registration.title') })}</title>
        <h1>{t('registration.title')}</h1>
        {isApiError(reg.error) && reg.error.status === 404 ? <p>{t('registration.notFound')}</p> : <ErrorMessage error={reg.error} />}
      </section>
    );
  }
  const r = reg.data;
  const ev = events.get(r.event_id);
  // The server answers whether the person asking may cancel now (can_cancel).
  const cancellable = r.can_cancel === true;

  return (
    <section className="page narrow">
      <title>{t('common.pageTitle', { title: t('registration.yours') })}</title>
      <h1>
        {r.status === 'confirmed'
          ? t('registration.registered')
          : r.status === 'pending_payment'
            ? t('registration.completePayment')
            : t('registration.title')}
      </h1>
      <h2 className="h3">
        <EventLink reg={r} ev={ev} />
      </h2>
      <EventLine ev={ev} />
      <Summary reg={r} />
      {r.status === 'pending_payment' && (
        <div className="alert alert-warn pay-box">
          {r.expires_at && <p><HoldCountdown expiresAt={r.expires_at} onExpire={onExpire} /></p>}
          <p>{t('registration.heldUntilPaid')}</p>
          <PayAction reg={r} ev={ev} />
        </div>
      )}
      {r.status === 'confirmed' && (
        <div className="alert alert-ok" role="status">
          <p>{ticketsNotice(r, t)}</p>
          {r.tickets_issued_at && (
            <p>
              <Link className="btn btn-primary" to={`/registrations/${encodeURIComponent(r.id)}/tickets`}>
                {t('registration.showTickets')}
              </Link>
            </p>
          )}
        </div>
      )}
      {r.status === 'expired' && <p className="alert alert-error">{t('registration.holdExpired')}</p>}
      <TicketList reg={r} ev={ev} />
      <ErrorMessage error={cancel.error} />
      {cancellable && (
        <p>
          <ConfirmButton
            question={t('registration.cancelQuestionLong')}
            confirmLabel={t('registration.cancelConfirm')}
            busy={cancel.isPending}
            onConfirm={() => cancel.mutate(r.id)}
          >
            {t('registration.cancel')}
          </ConfirmButton>
        </p>
      )}
      {r.cancel_refusal === 'cutoff_passed' && <p className="hint">{t('registration.cancelClosed')}</p>}
    </section>
  );
}
