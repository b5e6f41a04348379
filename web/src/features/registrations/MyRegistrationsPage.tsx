import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import type { Registration } from '@/lib/api';
import { useCancelRegistration, useEventsById, useMyRegistrations } from './api';
import { EventLine, EventLink, Summary, TicketList, type EventInfo } from './RegistrationView';

function RegistrationCard({ reg, ev }: { reg: Registration; ev: EventInfo | undefined }) {
  const { t } = useTranslation();
  const cancel = useCancelRegistration();
  // The server answers whether the person asking may cancel now (can_cancel).
  const cancellable = reg.can_cancel === true;
  return (
    <article className="card registration-card" aria-label={t('registration.cardLabel', { title: ev?.title ?? t('events.event') })}>
      <h3 className="card-title">
        <EventLink reg={reg} ev={ev} />
      </h3>
      <EventLine ev={ev} />
      <Summary reg={reg} />
      {reg.status === 'confirmed' && (
        <p className="hint">{reg.tickets_emailed_at ? t('registration.ticketsEmailedShort') : reg.tickets_issued_at ? t('registration.ticketsReadyShort') : t('registration.ticketsPreparingShort')}</p>
      )}
      <details>
        <summary>{t('registration.tickets')}</summary>
        <TicketList reg={reg} ev={ev} />
      </details>
      <p className="card-actions">
        <Link className="btn btn-secondary btn-small" to={`/registrations/${encodeURIComponent(reg.id)}`}>
          {reg.status === 'pending_payment' && reg.checkout_url ? t('registration.payNow') : t('registration.view')}
        </Link>
        {reg.status === 'confirmed' && reg.tickets_issued_at && (
          <Link className="btn btn-primary btn-small" to={`/registrations/${encodeURIComponent(reg.id)}/tickets`}>
            {t('registration.tickets')}
          </Link>
        )}
        {cancellable && (
          <ConfirmButton
            className="btn btn-danger-outline btn-small"
            question={t('registration.cancelQuestion')}
            confirmLabel={t('registration.cancelConfirm')}
            busy={cancel.isPending}
            onConfirm={() => cancel.mutate(reg.id)}
          >
            {t('common.cancel')}
          </ConfirmButton>
        )}
      </p>
      <ErrorMessage error={cancel.error} />
    </article>
  );
}

/** /me/registrations — upcoming and past. */
export function MyRegistrationsPage() {
  const { t } = useTranslation();
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
      <title>{t('common.pageTitle', { title: t('nav.myRegistrations') })}</title>
      <h1>{t('nav.myRegistrations')}</h1>
      {regs.data.length === 0 ? (
        <p className="empty">
          <Trans i18nKey="registration.none" components={[<Link key="l" to="/" />]} />
        </p>
      ) : (
        <>
          <section aria-labelledby="upcoming-h">
            <h2 id="upcoming-h">{t('registration.upcoming')}</h2>
            {upcoming.length === 0 ? (
              <p className="empty">{t('registration.nothingUpcoming')}</p>
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
              <h2 id="past-h">{t('registration.past')}</h2>
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
