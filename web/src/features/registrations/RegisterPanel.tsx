import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError, type Event, type TicketType, type User, type WaitlistEntry } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';
import { formatMoney, formatPrice } from '@/lib/money';
import { uuid } from '@/lib/uuid';
import { orderTotal, unitPrice, useRegister, useWaitlistEntry } from './api';
import { WaitlistPanel, openOffer } from './WaitlistPanel';

const MAX_PICK = 20;

type SaleState = 'on_sale' | 'not_yet' | 'ended' | 'sold_out';

/** Seats a waiting-list offer holds for this buyer, of this type. */
function offered(t: TicketType, offer: WaitlistEntry | null): number {
  if (!offer) return 0;
  if (offer.offered_ticket_type_id && offer.offered_ticket_type_id !== t.id) return 0;
  return offer.offered_quantity ?? offer.quantity ?? 1;
}

function saleState(t: TicketType, now: number, offer: WaitlistEntry | null): SaleState {
  if (t.sales_start && new Date(t.sales_start).getTime() > now) return 'not_yet';
  if (t.sales_end && new Date(t.sales_end).getTime() <= now) return 'ended';
  if (t.remaining <= 0 && offered(t, offer) === 0) return 'sold_out';
  return 'on_sale';
}

/** How many of a type one order may take (seats held by a waiting-list offer count). */
export function maxPick(t: TicketType, event: Event, offer: WaitlistEntry | null = null): number {
  const held = offered(t, offer);
  return Math.max(
    0,
    Math.min(
      Math.max(t.remaining, held),
      Math.max(event.remaining, held),
      t.max_per_order ?? MAX_PICK,
      event.max_per_user ?? MAX_PICK,
      MAX_PICK,
    ),
  );
}

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
  const navigate = useNavigate();
  const location = useLocation();
  const register = useRegister(event.id);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [overrides, setOverrides] = useState<Record<string, { name?: string; email?: string }>>({});
  const [promoInput, setPromoInput] = useState(promo);
  useEffect(() => setPromoInput(promo), [promo]);
  const now = Date.now();

  const types = event.ticket_types;
  const lines = types.map((t) => ({ typeId: t.id, price: t.price, quantity: qty[t.id] ?? 0 }));
  const total = orderTotal(lines, event.promo);
  const fullTotal = orderTotal(lines, undefined);
  const count = types.reduce((s, t) => s + (qty[t.id] ?? 0), 0);
  const open = event.status === 'published' && new Date(event.ends_at).getTime() > now;
  const soldOut = event.remaining <= 0 || (types.length > 0 && types.every((t) => t.remaining <= 0));
  const signInHref = `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
  const waitEntry = useWaitlistEntry(event.id, !!user && soldOut && open);
  const offer = openOffer(waitEntry.data);

  const attendees: AttendeeRow[] = useMemo(() => {
    const rows: AttendeeRow[] = [];
    for (const t of types) {
      for (let i = 0; i < (qty[t.id] ?? 0); i++) {
        const key = `${t.id}:${i}`;
        rows.push({
          key,
          typeName: t.name,
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

  const overUserLimit = event.max_per_user != null && count > event.max_per_user;
  const regError = isApiError(register.error) ? register.error : null;
  const fe = regError?.fieldErrors() ?? {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!user || count === 0 || overUserLimit) return;
    if (!keyRef.current || keyRef.current.sig !== signature) keyRef.current = { sig: signature, key: uuid() };
    const items = types.filter((t) => (qty[t.id] ?? 0) > 0).map((t) => ({ ticket_type_id: t.id, quantity: qty[t.id] }));
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
  const promoErr = promoFieldErr ? `That code ${promoFieldErr}.` : isApiError(promoError) ? promoError.detail : undefined;
  const unlocked = types.filter((t) => t.hidden);

  return (
    <section aria-labelledby="tickets-h" className="register">
      <h2 id="tickets-h">Tickets</h2>
      {types.length === 0 && <p className="empty">No tickets are on sale.</p>}
      <form onSubmit={submit} noValidate>
        {types.length > 0 && (
          <div className="table-wrap">
            <table className="ticket-table">
              <thead>
                <tr>
                  <th scope="col">Ticket</th>
                  <th scope="col" className="num">Price</th>
                  {user && open && <th scope="col" className="qty-col">Quantity</th>}
                </tr>
              </thead>
              <tbody>
                {types.map((t) => {
                  const state = saleState(t, now, offer);
                  const price = unitPrice(t.price, t.id, event.promo);
                  const max = maxPick(t, event, offer);
                  return (
                    <tr key={t.id} className="ticket-row">
                      <th scope="row">
                        <span className="ticket-name">{t.name}</span>
                        {t.hidden && <span className="badge badge-offered"> Unlocked</span>}
                        {t.description && <span className="hint block">{t.description}</span>}
                        {state === 'not_yet' && t.sales_start && (
                          <span className="hint block">On sale from {formatDateTime(t.sales_start, event.timezone)}</span>
                        )}
                        {state === 'ended' && <span className="hint block">Sales have ended</span>}
                        {t.max_per_order && state === 'on_sale' && (
                          <span className="hint block">Up to {t.max_per_order} per order</span>
                        )}
                      </th>
                      <td className="num">
                        {price !== t.price && (
                          <del className="hint">{formatMoney(t.price, event.currency)}</del>
                        )}{' '}
                        {formatPrice(price, event.currency)}
                        <span className="block remaining">
                          {t.remaining <= 0 ? <span className="sold-out">Sold out</span> : `${t.remaining} left`}
                        </span>
                      </td>
                      {user && open && (
                        <td>
                          {state === 'on_sale' && max > 0 ? (
                            <>
                              <label className="visually-hidden" htmlFor={`qty-${t.id}`}>
                                Quantity of {t.name}
                              </label>
                              <select
                                id={`qty-${t.id}`}
                                name={`qty-${t.id}`}
                                value={qty[t.id] ?? 0}
                                onChange={(e) => setQty((q) => ({ ...q, [t.id]: Number(e.target.value) }))}
                              >
                                {Array.from({ length: max + 1 }, (_, n) => (
                                  <option key={n} value={n}>
                                    {n}
                                  </option>
                                ))}
                              </select>
                            </>
                          ) : (
                            <span className="hint">—</span>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}

        {open && (
          <div className="promo">
            <label htmlFor="promo-code">Promo code</label>
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
                Apply
              </button>
              {promo && (
                <button type="button" className="btn btn-link" onClick={() => onApplyPromo('')}>
                  Remove
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
                Code {event.promo.code} applied{promoSummary(event, unlocked)}.
              </div>
            )}
          </div>
        )}

        {!open ? (
          event.status === 'published' && <p className="hint">This event has ended.</p>
        ) : soldOut && !offer ? (
          <WaitlistPanel eventId={event.id} timezone={event.timezone} signedIn={!!user} signInHref={signInHref} />
        ) : !user ? (
          <p className="cta">
            <Link className="btn btn-primary" to={signInHref}>
              Sign in to register
            </Link>{' '}
            or <Link to={`/sign-up?next=${encodeURIComponent(location.pathname)}`}>create an account</Link>
          </p>
        ) : (
          <>
            {offer && (
              <WaitlistPanel eventId={event.id} timezone={event.timezone} signedIn signInHref={signInHref} />
            )}
            {attendees.length > 0 && (
              <details className="attendees">
                <summary>
                  Attendee details <span className="hint">(each ticket is in your name unless you change it)</span>
                </summary>
                <ol>
                  {attendees.map((a, i) => (
                    <li key={a.key} className="attendee-row">
                      <span className="attendee-label">
                        Ticket {i + 1}: {a.typeName}
                      </span>
                      <div className="field">
                        <label htmlFor={`att-name-${a.key}`}>Name</label>
                        <input
                          id={`att-name-${a.key}`}
                          value={a.name}
                          maxLength={200}
                          required
                          onChange={(e) =>
                            setOverrides((o) => ({ ...o, [a.key]: { ...o[a.key], name: e.target.value } }))
                          }
                          aria-invalid={fe[`attendees[${i}].name`] ? true : undefined}
                        />
                        {fe[`attendees[${i}].name`] && <div className="field-error">{fe[`attendees[${i}].name`]}</div>}
                      </div>
                      <div className="field">
                        <label htmlFor={`att-email-${a.key}`}>Email</label>
                        <input
                          id={`att-email-${a.key}`}
                          type="email"
                          value={a.email}
                          maxLength={254}
                          required
                          onChange={(e) =>
                            setOverrides((o) => ({ ...o, [a.key]: { ...o[a.key], email: e.target.value } }))
                          }
                          aria-invalid={fe[`attendees[${i}].email`] ? true : undefined}
                        />
                        {fe[`attendees[${i}].email`] && (
                          <div className="field-error">{fe[`attendees[${i}].email`]}</div>
                        )}
                      </div>
                    </li>
                  ))}
                </ol>
              </details>
            )}
            {overUserLimit && (
              <p className="field-error" role="alert">
                You can have at most {event.max_per_user} tickets for this event.
              </p>
            )}
            {regError &&
              (regError.code === 'sold_out' ? (
                <div className="alert alert-error" role="alert">
                  Sorry, there aren&apos;t enough seats left for that order. Try fewer tickets, or join the waiting list.
                </div>
              ) : (
                <ErrorMessage error={regError} showFields />
              ))}
            {register.error && !regError && <ErrorMessage error={register.error} />}
            <div className="order-bar">
              <p className="order-total" aria-live="polite">
                {count === 0 ? (
                  'Choose your tickets'
                ) : (
                  <>
                    {count} {count === 1 ? 'ticket' : 'tickets'} ·{' '}
                    {total !== fullTotal && (
                      <>
                        <del className="hint">{formatMoney(fullTotal, event.currency)}</del>{' '}
                      </>
                    )}
                    <strong>{formatPrice(total, event.currency)}</strong>
                  </>
                )}
              </p>
              <button type="submit" className="btn btn-primary" disabled={count === 0 || overUserLimit || register.isPending}>
                {register.isPending ? 'Registering…' : regError?.retryable ? 'Try again' : 'Register'}
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

/** What the applied code does, for the line under the promo field (`: 20% off Supporter; unlocks Crew`). */
function promoSummary(event: Event, unlocked: TicketType[]): string {
  const p = event.promo;
  if (!p) return '';
  const parts: string[] = [];
  if (p.amount > 0) {
    const scope = p.ticket_type_id != null ? event.ticket_types.find((t) => t.id === p.ticket_type_id)?.name : undefined;
    parts.push(
      p.kind === 'percent'
        ? `${p.amount}% off ${scope ?? 'every ticket'}`
        : `${formatMoney(p.amount, event.currency)} off ${scope ? `${scope} tickets in ` : ''}your order`,
    );
  }
  if (unlocked.length > 0) parts.push(`unlocks ${unlocked.map((t) => t.name).join(', ')}`);
  return parts.length ? `: ${parts.join('; ')}` : '';
}
