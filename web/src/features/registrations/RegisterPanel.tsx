import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError, type Event, type Quote, type TicketType, type User } from '@/lib/api';
import { formatDateTime, formatMoney, formatPercent, formatPrice } from '@/lib/format';
import { uuid } from '@/lib/uuid';
import { useDebounced } from '@/lib/useDebounced';
import { useQuote, useRegister, useWaitlistEntry } from './api';
import { WaitlistPanel, openOffer } from './WaitlistPanel';

/** The longest quantity list a select offers (the server's limit may be higher). */
const MAX_PICK = 20;

type QuotedType = Quote['ticket_types'][number];

interface AttendeeRow {
  key: string;
  typeName: string;
  name: string;
  email: string;
}

export function RegisterPanel({
  event,
  user,
  promo,
  onApplyPromo,
  promoError,
  promoPending,
}: {
  event: Event;
  user: User | null;
  promo: string;
  onApplyPromo: (code: string) => void;
  promoError?: unknown;
  promoPending?: boolean;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const register = useRegister(event.id);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [overrides, setOverrides] = useState<Record<string, { name?: string; email?: string }>>({});
  const [promoInput, setPromoInput] = useState(promo);
  useEffect(() => setPromoInput(promo), [promo]);

  const types = event.ticket_types;
  const items = types.filter((tt) => (qty[tt.id] ?? 0) > 0).map((tt) => ({ ticket_type_id: tt.id, quantity: qty[tt.id] }));
  const count = items.reduce((sum, i) => sum + i.quantity, 0);
  // Prices, sale states and limits are the server's answer (POST /events/{id}/quote).
  const appliedPromo = promo && !promoError ? promo : undefined;
  const quoteBody = useDebounced(useMemo(() => ({ items, promo_code: appliedPromo }), [JSON.stringify(items), appliedPromo]), 200);
  const quote = useQuote(event.id, quoteBody);
  const q = quote.data;
  const quoted = new Map<string, QuotedType>(q?.ticket_types.map((qt) => [qt.ticket_type_id, qt]) ?? []);
  const open = q?.state === 'on_sale' || q?.state === 'sold_out';
  const soldOut = q?.state === 'sold_out';
  const signInHref = `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
  const waitEntry = useWaitlistEntry(event.id, !!user && soldOut && open);
  const offer = openOffer(waitEntry.data);

  const attendees: AttendeeRow[] = useMemo(() => {
    const rows: AttendeeRow[] = [];
    for (const tt of types) {
      for (let i = 0; i < (qty[tt.id] ?? 0); i++) {
        const key = `${tt.id}:${i}`;
        rows.push({
          key,
          typeName: tt.name,
          name: overrides[key]?.name ?? user?.name ?? '',
          email: overrides[key]?.email ?? user?.email ?? '',
        });
      }
    }
    return rows;
  }, [types, qty, overrides, user]);

  // One Idempotency-Key per attempt: kept across retries of the same order, new when it changes.
  const signature = JSON.stringify([qty, attendees.map((a) => [a.name, a.email]), promo]);
  const keyRef = useRef<{ sig: string; key: string } | null>(null);

  // A quote of this very order that the server refused (over a limit): shown, and no submit.
  const quoteSettled = JSON.stringify(quoteBody.items) === JSON.stringify(items);
  const quoteError = count > 0 && quoteSettled && isApiError(quote.error) ? quote.error : null;
  const regError = isApiError(register.error) ? register.error : null;
  const fe = regError?.fieldErrors() ?? {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!user || count === 0 || quoteError) return;
    if (!keyRef.current || keyRef.current.sig !== signature) keyRef.current = { sig: signature, key: uuid() };
    register.mutate(
      {
        idempotencyKey: keyRef.current.key,
        body: {
          items,
          attendees: attendees.map((a) => ({ name: a.name.trim(), email: a.email.trim() })),
          ...(promo ? { promo_code: promo } : {}),
        },
      },
      {
        onSuccess: (reg) => {
          keyRef.current = null;
          navigate(`/registrations/${encodeURIComponent(reg.id)}`);
        },
        onError: (err) => {
          // The server gave a definite answer: the next attempt is a new one.
          if (isApiError(err) && !err.retryable) keyRef.current = null;
        },
      },
    );
  };

  const promoFieldErr = isApiError(promoError) ? promoError.fieldError('promo_code') : undefined;
  const promoErr = promoFieldErr
    ? t('register.promoInvalid', { reason: promoFieldErr })
    : isApiError(promoError)
      ? promoError.detail
      : undefined;
  const unlocked = types.filter((tt) => tt.hidden);
  const showQty = !!user && open;

  return (
    <section aria-labelledby="tickets-h" className="register">
      <h2 id="tickets-h">{t('register.title')}</h2>
      {types.length === 0 && <p className="empty">{t('register.noTickets')}</p>}
      <form onSubmit={submit} noValidate>
        {types.length > 0 && (
          <div className="table-wrap">
            <table className="ticket-table">
              <thead>
                <tr>
                  <th scope="col">{t('register.colTicket')}</th>
                  <th scope="col" className="num">
                    {t('register.colPrice')}
                  </th>
                  {showQty && (
                    <th scope="col" className="qty-col">
                      {t('register.colQuantity')}
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {types.map((tt) => (
                  <TicketRow
                    key={tt.id}
                    type={tt}
                    event={event}
                    quoted={quoted.get(tt.id)}
                    showQty={showQty}
                    value={qty[tt.id] ?? 0}
                    onChange={(n) => setQty((prev) => ({ ...prev, [tt.id]: n }))}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}

        {open && (
          <div className="promo">
            <label htmlFor="promo-code">{t('register.promoLabel')}</label>
            <div className="input-with-button">
              <input
                id="promo-code"
                name="promo_code"
                value={promoInput}
                maxLength={64}
                autoComplete="off"
                onChange={(e) => setPromoInput(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    onApplyPromo(promoInput.trim());
                  }
                }}
                aria-invalid={promoErr ? true : undefined}
                aria-describedby={promoErr ? 'promo-err' : event.promo ? 'promo-ok' : undefined}
              />
              <button type="button" className="btn btn-secondary" disabled={promoPending} onClick={() => onApplyPromo(promoInput.trim())}>
                {t('register.promoApply')}
              </button>
              {promo && (
                <button type="button" className="btn btn-link" onClick={() => onApplyPromo('')}>
                  {t('register.promoRemove')}
                </button>
              )}
            </div>
            {promoErr && (
              <div id="promo-err" className="field-error">
                {promoErr}
              </div>
            )}
            {event.promo && !promoErr && (
              <div id="promo-ok" className="hint ok" role="status">
                {t('register.promoApplied', { code: event.promo.code, summary: promoSummary(event, unlocked, t) })}
              </div>
            )}
          </div>
        )}

        {q?.state === 'ended' ? (
          <p className="hint">{t('register.ended')}</p>
        ) : !open ? null : soldOut && !offer ? (
          <WaitlistPanel eventId={event.id} timezone={event.timezone} signedIn={!!user} signInHref={signInHref} />
        ) : !user ? (
          <p className="cta">
            <Trans
              i18nKey="register.signInCta"
              components={[
                <Link key="in" className="btn btn-primary" to={signInHref} />,
                <Link key="up" to={`/sign-up?next=${encodeURIComponent(location.pathname)}`} />,
              ]}
            />
          </p>
        ) : (
          <>
            {offer && <WaitlistPanel eventId={event.id} timezone={event.timezone} signedIn signInHref={signInHref} />}
            {attendees.length > 0 && (
              <details className="attendees">
                <summary>
                  {t('register.attendeesTitle')} <span className="hint">{t('register.attendeesHint')}</span>
                </summary>
                <ol>
                  {attendees.map((a, i) => (
                    <AttendeeFields
                      key={a.key}
                      row={a}
                      index={i}
                      errors={fe}
                      onChange={(field, value) =>
                        setOverrides((o) => ({ ...o, [a.key]: { ...o[a.key], [field]: value } }))
                      }
                    />
                  ))}
                </ol>
              </details>
            )}
            {quoteError && (
              <p className="field-error" role="alert">
                {quoteError.fieldError('items') ?? quoteError.detail}
              </p>
            )}
            {regError &&
              (regError.code === 'sold_out' ? (
                <div className="alert alert-error" role="alert">
                  {t('register.notEnoughSeats')}
                </div>
              ) : (
                <ErrorMessage error={regError} showFields />
              ))}
            {register.error && !regError && <ErrorMessage error={register.error} />}
            <div className="order-bar">
              <p className="order-total" aria-live="polite">
                {count === 0 ? (
                  t('register.chooseTickets')
                ) : (
                  <>
                    {t('register.ticketCount', { count })}
                    {' · '}
                    {q && quoteSettled && (
                      <>
                        {q.discount > 0 && (
                          <>
                            <del className="hint">{formatMoney(q.subtotal, event.currency)}</del>{' '}
                          </>
                        )}
                        <strong>{formatPrice(q.total, event.currency)}</strong>
                      </>
                    )}
                  </>
                )}
              </p>
              <button
                type="submit"
                className="btn btn-primary"
                disabled={count === 0 || !!quoteError || register.isPending}
              >
                {register.isPending
                  ? t('register.submitting')
                  : regError?.retryable
                    ? t('common.tryAgain')
                    : t('register.submit')}
              </button>
            </div>
            {regError?.code === 'sold_out' && (
              <WaitlistPanel eventId={event.id} timezone={event.timezone} signedIn signInHref={signInHref} />
            )}
          </>
        )}
      </form>
    </section>
  );
}

/** One ticket type's row: name, notes on its sale state, the price the server quoted, the quantity. */
function TicketRow({
  type,
  event,
  quoted,
  showQty,
  value,
  onChange,
}: {
  type: TicketType;
  event: Event;
  quoted: QuotedType | undefined;
  showQty: boolean;
  value: number;
  onChange: (n: number) => void;
}) {
  const { t } = useTranslation();
  const state = quoted?.state;
  const price = quoted?.unit_price ?? type.price;
  const max = Math.min(quoted?.max_quantity ?? 0, MAX_PICK);
  return (
    <tr className="ticket-row">
      <th scope="row">
        <span className="ticket-name">{type.name}</span>
        {type.hidden && <span className="badge badge-offered"> {t('register.unlocked')}</span>}
        {type.description && <span className="hint block">{type.description}</span>}
        {state === 'not_yet' && type.sales_start && (
          <span className="hint block">
            {t('register.onSaleFrom', { when: formatDateTime(type.sales_start, event.timezone) })}
          </span>
        )}
        {state === 'ended' && <span className="hint block">{t('register.salesEnded')}</span>}
        {type.max_per_order && state === 'on_sale' && (
          <span className="hint block">{t('register.perOrder', { count: type.max_per_order })}</span>
        )}
      </th>
      <td className="num">
        {price !== type.price && <del className="hint">{formatMoney(type.price, event.currency)}</del>}{' '}
        {formatPrice(price, event.currency)}
        <span className="block remaining">
          {state === 'sold_out' || (quoted === undefined && type.remaining <= 0) ? (
            <span className="sold-out">{t('register.soldOut')}</span>
          ) : (
            t('register.left', { count: type.remaining })
          )}
        </span>
      </td>
      {showQty && (
        <td>
          {state === 'on_sale' && max > 0 ? (
            <>
              <label className="visually-hidden" htmlFor={`qty-${type.id}`}>
                {t('register.quantityOf', { name: type.name })}
              </label>
              <select
                id={`qty-${type.id}`}
                name={`qty-${type.id}`}
                value={value}
                onChange={(e) => onChange(Number(e.target.value))}
              >
                {Array.from({ length: max + 1 }, (_, n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </>
          ) : (
            <span className="hint">{t('common.emptyValue')}</span>
          )}
        </td>
      )}
    </tr>
  );
}

/** Name and email of one ticket's attendee. */
function AttendeeFields({
  row,
  index,
  errors,
  onChange,
}: {
  row: AttendeeRow;
  index: number;
  errors: Record<string, string>;
  onChange: (field: 'name' | 'email', value: string) => void;
}) {
  const { t } = useTranslation();
  const nameErr = errors[`attendees[${index}].name`];
  const emailErr = errors[`attendees[${index}].email`];
  return (
    <li className="attendee-row">
      <span className="attendee-label">{t('register.attendeeLabel', { n: index + 1, type: row.typeName })}</span>
      <div className="field">
        <label htmlFor={`att-name-${row.key}`}>{t('common.name')}</label>
        <input
          id={`att-name-${row.key}`}
          value={row.name}
          maxLength={200}
          required
          onChange={(e) => onChange('name', e.target.value)}
          aria-invalid={nameErr ? true : undefined}
        />
        {nameErr && <div className="field-error">{nameErr}</div>}
      </div>
      <div className="field">
        <label htmlFor={`att-email-${row.key}`}>{t('common.email')}</label>
        <input
          id={`att-email-${row.key}`}
          type="email"
          value={row.email}
          maxLength={254}
          required
          onChange={(e) => onChange('email', e.target.value)}
          aria-invalid={emailErr ? true : undefined}
        />
        {emailErr && <div className="field-error">{emailErr}</div>}
      </div>
    </li>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

/** What the applied code does, for the line under the promo field (`: 20% off Supporter; unlocks Crew`). */
function promoSummary(event: Event, unlocked: TicketType[], t: T): string {
  const p = event.promo;
  if (!p) return '';
  const parts: string[] = [];
  if (p.amount > 0) {
    const scope = p.ticket_type_id != null ? event.ticket_types.find((tt) => tt.id === p.ticket_type_id)?.name : undefined;
    if (p.kind === 'percent') {
      const percent = formatPercent(p.amount);
      parts.push(scope ? t('register.promoPercentOn', { percent, scope }) : t('register.promoPercentAll', { percent }));
    } else {
      const amount = formatMoney(p.amount, event.currency);
      parts.push(scope ? t('register.promoFixedOn', { amount, scope }) : t('register.promoFixedAll', { amount }));
    }
  }
  if (unlocked.length > 0) {
    const names = new Intl.ListFormat(undefined, { type: 'conjunction' }).format(unlocked.map((tt) => tt.name));
    parts.push(t('register.promoUnlocks', { names }));
  }
  return parts.length ? t('register.promoSummary', { parts: parts.join('; ') }) : '';
}
