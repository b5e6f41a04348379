import { useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { StatusBadge } from '@/components/StatusBadge';
import { formatDateTime, formatPrice } from '@/lib/format';
import {
  registrationsCsvUrl,
  useEventRegistrations,
  useRegistrationAction,
  type RegistrationFilter,
  type RegistrationStatusFilter,
} from './api';
import { useOrganizerEventContext } from './OrganizerPages';
import { RefundForm } from './RefundForm';

const STATUSES = ['confirmed', 'pending_payment', 'cancelled', 'expired', 'refunded'] as const satisfies readonly RegistrationStatusFilter[];


export function RegistrationsTab() {
  const { t } = useTranslation();
  const { event } = useOrganizerEventContext();
  const [filter, setFilter] = useState<RegistrationFilter>({ q: '', status: '' });
  const [q, setQ] = useState('');
  const regs = useEventRegistrations(event.id, filter);
  const cancel = useRegistrationAction(event.id, 'cancel');
  const markPaid = useRegistrationAction(event.id, 'mark-paid');
  const [refunding, setRefunding] = useState<string | null>(null);
  const rows = regs.data?.pages.flatMap((p) => p.items) ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter((f) => ({ ...f, q }));
  };

  return (
    <section aria-labelledby="regs-h">
      <div className="page-head">
        <h2 id="regs-h">{t('organizer.regs.title')}</h2>
        <a className="btn btn-secondary" href={registrationsCsvUrl(event.id, filter)} download>
          {t('organizer.regs.export')}
        </a>
      </div>
      <form className="filters" role="search" aria-label={t('organizer.regs.filterLabel')} onSubmit={submit}>
        <div className="field filter-q">
          <label htmlFor="reg-q">{t('organizer.regs.search')}</label>
          <div className="input-with-button">
            <input id="reg-q" type="search" placeholder={t('organizer.regs.searchPlaceholder')} value={q} onChange={(e) => setQ(e.target.value)} />
            <button type="submit" className="btn btn-primary">
              {t('organizer.regs.search')}
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor="reg-status">{t('organizer.regs.status')}</label>
          <select id="reg-status" value={filter.status} onChange={(e) => setFilter((f) => ({ ...f, q, status: e.target.value as RegistrationFilter['status'] }))}>
            <option value="">{t('organizer.regs.allStatuses')}</option>
            {STATUSES.map((v) => (
              <option key={v} value={v}>
                {t(`status.${v}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorMessage error={cancel.error ?? markPaid.error} />
      {regs.isPending ? (
        <Loading />
      ) : regs.isError && rows.length === 0 ? (
        <ErrorMessage error={regs.error} />
      ) : rows.length === 0 ? (
        <p className="empty">{t('organizer.regs.none')}</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="regs-table stack-sm">
              <thead>
                <tr>
                  <th scope="col">{t('organizer.regs.buyer')}</th>
                  <th scope="col">{t('organizer.regs.attendees')}</th>
                  <th scope="col">{t('organizer.regs.status')}</th>
                  <th scope="col" className="num">{t('organizer.regs.total')}</th>
                  <th scope="col">{t('organizer.regs.registered')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('organizer.regs.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      {r.buyer.name || t('common.emptyValue')}
                      <span className="hint block">{r.buyer.email}</span>
                      <span className="hint block">{t('organizer.regs.ref', { id: r.id })}</span>
                    </td>
                    <td data-label={t('organizer.regs.attendees')}>
                      <ul className="plain">
                        {r.tickets.map((tk) => (
                          <li key={tk.id}>
                            {tk.attendee_name} {tk.status === 'checked_in' && <StatusBadge status="checked_in" />}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td data-label={t('organizer.regs.status')}>
                      <StatusBadge status={r.status} />
                      {r.refund_status && (
                        <span className="hint block">
                          {t('organizer.regs.refundStatus', { status: t(`refundStatus.${r.refund_status}`, { defaultValue: r.refund_status }) })}
                        </span>
                      )}
                      {r.payment_flags.map((f) => (
                        <span key={f} className="flag block" role="note" data-flag={f}>
                          {t('organizer.regs.flag', { text: t(`paymentFlags.${f}`, { defaultValue: f }) })}
                        </span>
                      ))}
                    </td>
                    <td className="num" data-label={t('organizer.regs.total')}>
                      {formatPrice(r.total, r.currency)}
                    </td>
                    <td data-label={t('organizer.regs.registered')}>{formatDateTime(r.created_at, event.timezone)}</td>
                    <td className="row-actions">
                      {(r.status === 'confirmed' || r.status === 'pending_payment') && (
                        <ConfirmButton className="btn btn-link danger" question={t('organizer.regs.cancelQuestion')} confirmLabel={t('organizer.regs.cancelConfirm')}
                          busy={cancel.isPending} onConfirm={() => cancel.mutate(r.id)}>
                          {t('organizer.regs.cancel')}
                        </ConfirmButton>
                      )}
                      {r.status === 'pending_payment' && event.pay_at_door && (
                        <ConfirmButton className="btn btn-link" question={t('organizer.regs.markPaidQuestion')} confirmLabel={t('organizer.regs.markPaid')}
                          busy={markPaid.isPending} onConfirm={() => markPaid.mutate(r.id)}>
                          {t('organizer.regs.markPaid')}
                        </ConfirmButton>
                      )}
                      {r.status === 'confirmed' && r.total > 0 && r.refund_status !== 'refunded' &&
                        (refunding === r.id ? (
                          <RefundForm reg={r} eventId={event.id} onDone={() => setRefunding(null)} />
                        ) : (
                          <button type="button" className="btn btn-link danger" onClick={() => setRefunding(r.id)}>
                            {t('organizer.regs.refundOpen')}
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {regs.hasNextPage && (
            <div className="load-more">
              <button type="button" className="btn btn-secondary" disabled={regs.isFetchingNextPage} onClick={() => regs.fetchNextPage()}>
                {regs.isFetchingNextPage ? t('common.loading') : t('events.loadMore')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
