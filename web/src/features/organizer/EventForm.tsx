import { useMemo, useState, type FormEvent } from 'react';
import { Field, SelectField, TextAreaField } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError, type EventFields } from '@/lib/api';
import { useCategories } from '@/lib/categories';
import { timeZones } from '@/lib/dates';
import { blankTicketType, draftToBody, type EventDraft, type TicketTypeDraft } from './eventForm';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'CAD', 'AUD', 'JPY'];

export function EventForm({
  initial,
  submitLabel,
  onSubmit,
  pending,
  error,
}: {
  initial: EventDraft;
  submitLabel: string;
  onSubmit: (body: EventFields) => void;
  pending: boolean;
  error: unknown;
}) {
  const [d, setD] = useState<EventDraft>(initial);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const categories = useCategories();
  const zones = useMemo(() => timeZones(), []);
  const serverErrors = isApiError(error) ? error.fieldErrors() : {};
  const fe = { ...serverErrors, ...clientErrors };

  const set = <K extends keyof EventDraft>(k: K, v: EventDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setType = (i: number, patch: Partial<TicketTypeDraft>) =>
    setD((x) => ({ ...x, ticket_types: x.ticket_types.map((t, j) => (j === i ? { ...t, ...patch } : t)) }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { body, errors } = draftToBody(d);
    setClientErrors(errors);
    if (body) onSubmit(body);
    else {
      const first = Object.keys(errors)[0];
      document.querySelector<HTMLElement>(`[data-field="${CSS.escape(first)}"] input, [data-field="${CSS.escape(first)}"] select`)?.focus();
    }
  };

  const f = (name: string) => ({ 'data-field': name });
  const typesSum = d.ticket_types.reduce((s, t) => s + (Number(t.capacity) || 0), 0);

  return (
    <form onSubmit={submit} noValidate className="event-form stack">
      {isApiError(error) && (Object.keys(serverErrors).length === 0 || error.status !== 422) && (
        <ErrorMessage error={error} />
      )}
      {isApiError(error) && error.status === 422 && Object.keys(serverErrors).length > 0 && (
        <div className="alert alert-error" role="alert">
          Please fix the fields marked below.
        </div>
      )}
      <fieldset>
        <legend>Event</legend>
        <div {...f('title')}>
          <Field label="Title" required maxLength={200} value={d.title} onChange={(e) => set('title', e.target.value)} error={fe.title} />
        </div>
        <div {...f('description')}>
          <TextAreaField label="Description" rows={6} maxLength={20000} value={d.description} onChange={(e) => set('description', e.target.value)} error={fe.description} />
        </div>
        <div className="grid-2">
          <div {...f('category')}>
            <SelectField label="Category" value={d.category} onChange={(e) => set('category', e.target.value)} error={fe.category}>
              {(categories.data ?? [{ id: d.category, label: d.category }]).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </SelectField>
          </div>
          <div {...f('venue')}>
            <Field label="Venue" required maxLength={300} value={d.venue} onChange={(e) => set('venue', e.target.value)} error={fe.venue} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>When</legend>
        <div {...f('timezone')}>
          <SelectField label="Time zone" value={d.timezone} onChange={(e) => set('timezone', e.target.value)} error={fe.timezone}
            hint="Times below are in this zone; attendees see them in it too.">
            {!zones.includes(d.timezone) && <option value={d.timezone}>{d.timezone}</option>}
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="grid-2">
          <div {...f('starts_at')}>
            <Field label="Starts" type="datetime-local" required value={d.starts_at} onChange={(e) => set('starts_at', e.target.value)} error={fe.starts_at} />
          </div>
          <div {...f('ends_at')}>
            <Field label="Ends" type="datetime-local" required value={d.ends_at} min={d.starts_at || undefined} onChange={(e) => set('ends_at', e.target.value)} error={fe.ends_at} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>Capacity and rules</legend>
        <div className="grid-3">
          <div {...f('currency')}>
            <Field label="Currency" list="currencies" required maxLength={3} value={d.currency}
              onChange={(e) => set('currency', e.target.value.toUpperCase())} error={fe.currency} />
            <datalist id="currencies">
              {CURRENCIES.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </div>
          <div {...f('capacity')}>
            <Field label="Total seats" type="number" min={0} inputMode="numeric" value={d.capacity} placeholder={String(typesSum)}
              onChange={(e) => set('capacity', e.target.value)} error={fe.capacity} hint="Empty: the sum of the ticket types." />
          </div>
          <div {...f('max_per_user')}>
            <Field label="Tickets per person" type="number" min={1} inputMode="numeric" value={d.max_per_user}
              onChange={(e) => set('max_per_user', e.target.value)} error={fe.max_per_user} hint="Empty: no limit." />
          </div>
          <div {...f('hold_minutes')}>
            <Field label="Payment hold (minutes)" type="number" min={1} inputMode="numeric" value={d.hold_minutes}
              onChange={(e) => set('hold_minutes', e.target.value)} error={fe.hold_minutes} />
          </div>
          <div className="field">
            <label>
              <input type="checkbox" checked={d.pay_at_door} onChange={(e) => set('pay_at_door', e.target.checked)} /> Pay at the door or by
              invoice (you mark held registrations paid)
            </label>
          </div>
          <div {...f('waitlist_offer_minutes')}>
            <Field label="Waiting-list offer (minutes)" type="number" min={1} inputMode="numeric" value={d.waitlist_offer_minutes}
              onChange={(e) => set('waitlist_offer_minutes', e.target.value)} error={fe.waitlist_offer_minutes} />
          </div>
          <div {...f('cancel_cutoff_hours')}>
            <Field label="Cancel until (hours before)" type="number" min={0} inputMode="numeric" value={d.cancel_cutoff_hours}
              onChange={(e) => set('cancel_cutoff_hours', e.target.value)} error={fe.cancel_cutoff_hours} hint="Empty: until the start." />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>Ticket types</legend>
        {fe.ticket_types && <div className="field-error">{fe.ticket_types}</div>}
        <ol className="tt-list">
          {d.ticket_types.map((t, i) => {
            const p = `ticket_types[${i}]`;
            return (
              <li key={t.key} className="tt-row card">
                <div className="grid-3">
                  <div {...f(`${p}.name`)}>
                    <Field label="Name" required value={t.name} maxLength={200} onChange={(e) => setType(i, { name: e.target.value })} error={fe[`${p}.name`]} />
                  </div>
                  <div {...f(`${p}.price`)}>
                    <Field label={`Price (${d.currency || '…'})`} inputMode="decimal" value={t.price} onChange={(e) => setType(i, { price: e.target.value })} error={fe[`${p}.price`]} hint="0 is free." />
                  </div>
                  <div {...f(`${p}.capacity`)}>
                    <Field label="Tickets" type="number" min={t.sold} inputMode="numeric" value={t.capacity} onChange={(e) => setType(i, { capacity: e.target.value })}
                      error={fe[`${p}.capacity`]} hint={t.id ? `${t.sold} sold` : undefined} />
                  </div>
                </div>
                <div {...f(`${p}.description`)}>
                  <Field label="Description" maxLength={2000} value={t.description} onChange={(e) => setType(i, { description: e.target.value })} error={fe[`${p}.description`]} />
                </div>
                <div className="grid-3">
                  <div {...f(`${p}.sales_start`)}>
                    <Field label="Sales start" type="datetime-local" value={t.sales_start} onChange={(e) => setType(i, { sales_start: e.target.value })} error={fe[`${p}.sales_start`]} />
                  </div>
                  <div {...f(`${p}.sales_end`)}>
                    <Field label="Sales end" type="datetime-local" value={t.sales_end} onChange={(e) => setType(i, { sales_end: e.target.value })} error={fe[`${p}.sales_end`]} />
                  </div>
                  <div {...f(`${p}.max_per_order`)}>
                    <Field label="Max per order" type="number" min={1} inputMode="numeric" value={t.max_per_order} onChange={(e) => setType(i, { max_per_order: e.target.value })} error={fe[`${p}.max_per_order`]} />
                  </div>
                </div>
                <div className="tt-actions">
                  <label className="checkbox">
                    <input type="checkbox" checked={t.hidden} onChange={(e) => setType(i, { hidden: e.target.checked })} /> Hidden (only with a promo code)
                  </label>
                  <button type="button" className="btn btn-link danger" disabled={t.sold > 0 || d.ticket_types.length === 1}
                    title={t.sold > 0 ? 'Tickets of this type are sold' : undefined}
                    onClick={() => setD((x) => ({ ...x, ticket_types: x.ticket_types.filter((_, j) => j !== i) }))}>
                    Remove<span className="visually-hidden"> {t.name || `ticket type ${i + 1}`}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
        <button type="button" className="btn btn-secondary" onClick={() => setD((x) => ({ ...x, ticket_types: [...x.ticket_types, blankTicketType()] }))}>
          Add a ticket type
        </button>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
