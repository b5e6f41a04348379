import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { StatusBadge } from '@/components/StatusBadge';
import { formatDateTime } from '@/lib/dates';
import { formatPrice } from '@/lib/money';
import { registrationsCsvUrl, useEventRegistrations, useRegistrationAction, type RegistrationFilter } from './api';
import { useOrganizerEventContext } from './OrganizerPages';
import { RefundForm } from './RefundForm';

const STATUSES = [
  ['', 'All statuses'],
  ['confirmed', 'Confirmed'],
  ['pending_payment', 'Awaiting payment'],
  ['cancelled', 'Cancelled'],
  ['expired', 'Expired'],
  ['refunded', 'Refunded'],
] as const;

// What each payment flag tells the organizer (api/openapi.yaml, Registration.payment_flags).
const PAYMENT_FLAGS: Record<string, string> = {
  amount_mismatch: 'Paid a different amount: nothing issued',
  disputed: 'Payment disputed',
  late_no_seats: 'Paid too late, no seats: refunded',
  paid_twice: 'Paid twice: second payment refunded',
  refund_failed: 'Refund failed: retrying',
};

export function RegistrationsTab() {
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
        <h2 id="regs-h">Registrations</h2>
        <a className="btn btn-secondary" href={registrationsCsvUrl(event.id, filter)} download>
          Export CSV
        </a>
      </div>
      <form className="filters" role="search" aria-label="Filter registrations" onSubmit={submit}>
        <div className="field filter-q">
          <label htmlFor="reg-q">Search</label>
          <div className="input-with-button">
            <input id="reg-q" type="search" placeholder="Name or email" value={q} onChange={(e) => setQ(e.target.value)} />
            <button type="submit" className="btn btn-primary">
              Search
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor="reg-status">Status</label>
          <select id="reg-status" value={filter.status} onChange={(e) => setFilter((f) => ({ ...f, q, status: e.target.value }))}>
            {STATUSES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
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
        <p className="empty">No registrations match.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="regs-table stack-sm">
              <thead>
                <tr>
                  <th scope="col">Buyer</th>
                  <th scope="col">Attendees</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">Total</th>
                  <th scope="col">Registered</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      {r.buyer.name || '—'}
                      <span className="hint block">{r.buyer.email}</span>
                      <span className="hint block">ref {r.id}</span>
                    </td>
                    <td data-label="Attendees">
                      <ul className="plain">
                        {r.tickets.map((t) => (
                          <li key={t.id}>
                            {t.attendee_name} {t.status === 'checked_in' && <StatusBadge status="checked_in" />}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={r.status} />
                      {r.refund_status && <span className="hint block">refund: {r.refund_status.replace('_', ' ')}</span>}
                      {r.payment_flags.map((f) => (
                        <span key={f} className="flag block" role="note" data-flag={f}>
                          ⚠ {PAYMENT_FLAGS[f] ?? f.replace('_', ' ')}
                        </span>
                      ))}
                    </td>
                    <td className="num" data-label="Total">
                      {formatPrice(r.total, r.currency)}
                    </td>
                    <td data-label="Registered">{formatDateTime(r.created_at, event.timezone)}</td>
                    <td className="row-actions">
                      {(r.status === 'confirmed' || r.status === 'pending_payment') && (
                        <ConfirmButton className="btn btn-link danger" question="Cancel it?" confirmLabel="Cancel registration"
                          busy={cancel.isPending} onConfirm={() => cancel.mutate(r.id)}>
                          Cancel
                        </ConfirmButton>
                      )}
                      {r.status === 'pending_payment' && event.pay_at_door && (
                        <ConfirmButton className="btn btn-link" question="Paid at the door or by invoice?" confirmLabel="Mark paid"
                          busy={markPaid.isPending} onConfirm={() => markPaid.mutate(r.id)}>
                          Mark paid
                        </ConfirmButton>
                      )}
                      {r.status === 'confirmed' && r.total > 0 && r.refund_status !== 'refunded' &&
                        (refunding === r.id ? (
                          <RefundForm reg={r} eventId={event.id} onDone={() => setRefunding(null)} />
                        ) : (
                          <button type="button" className="btn btn-link danger" onClick={() => setRefunding(r.id)}>
                            Refund…
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
                {regs.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
