import { useTranslation } from 'react-i18next';
import { useMemo, useState, type FormEvent } from 'react';
import { Field, SelectField, TextAreaField } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError, type EventFields } from '@/lib/api';
import { categoryLabel, useCategories } from '@/lib/categories';
import { timeZones } from '@/lib/dates';
import { blankTicketType, draftToBody, type EventDraft, type TicketTypeDraft } from './eventForm';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'CAD', 'AUD', 'JPY'];

/** The path the server's field errors use for a ticket type's field: `ticket_types[1].price`. */
const typeField = (i: number, name: string) => `ticket_types[${i}].${name}`;

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
  const { t } = useTranslation();
  const [d, setD] = useState<EventDraft>(initial);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const categories = useCategories();
  const zones = useMemo(() => timeZones(), []);
  const serverErrors = isApiError(error) ? error.fieldErrors() : {};
  const fe = { ...serverErrors, ...clientErrors };

  const set = <K extends keyof EventDraft>(k: K, v: EventDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setType = (i: number, patch: Partial<TicketTypeDraft>) =>
    setD((x) => ({ ...x, ticket_types: x.ticket_types.map((tt, j) => (j === i ? { ...tt, ...patch } : tt)) }));

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

  // The element that holds a field, found by the field's path (focus on a client error).
  const fieldAt = (path: string) => ({ 'data-field': path });
  const typesSum = d.ticket_types.reduce((s, tt) => s + (Number(tt.capacity) || 0), 0);

  return (
    <form onSubmit={submit} noValidate className="event-form stack">
      {isApiError(error) && (Object.keys(serverErrors).length === 0 || error.status !== 422) && (
        <ErrorMessage error={error} />
      )}
      {isApiError(error) && error.status === 422 && Object.keys(serverErrors).length > 0 && (
        <div className="alert alert-error" role="alert">
          {t('organizer.form.fixFields')}
        </div>
      )}
      <fieldset>
        <legend>{t('organizer.form.event')}</legend>
        <div {...fieldAt('title')}>
          <Field label={t('organizer.form.title')} required maxLength={200} value={d.title} onChange={(e) => set('title', e.target.value)} error={fe.title} />
        </div>
        <div {...fieldAt('description')}>
          <TextAreaField label={t('organizer.form.description')} rows={6} maxLength={20000} value={d.description} onChange={(e) => set('description', e.target.value)} error={fe.description} />
        </div>
        <div className="grid-2">
          <div {...fieldAt('category')}>
            <SelectField label={t('organizer.form.category')} value={d.category} onChange={(e) => set('category', e.target.value)} error={fe.category}>
              {(categories.data ?? [{ id: d.category, label: d.category }]).map((c) => (
                <option key={c.id} value={c.id}>
                  {categoryLabel(categories.data, c.id)}
                </option>
              ))}
            </SelectField>
          </div>
          <div {...fieldAt('venue')}>
            <Field label={t('organizer.form.venue')} required maxLength={300} value={d.venue} onChange={(e) => set('venue', e.target.value)} error={fe.venue} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('organizer.form.when')}</legend>
        <div {...fieldAt('timezone')}>
          <SelectField label={t('organizer.form.timezone')} value={d.timezone} onChange={(e) => set('timezone', e.target.value)} error={fe.timezone}
            hint={t('organizer.form.timezoneHint')}>
            {!zones.includes(d.timezone) && <option value={d.timezone}>{d.timezone}</option>}
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="grid-2">
          <div {...fieldAt('starts_at')}>
            <Field label={t('organizer.form.starts')} type="datetime-local" required value={d.starts_at} onChange={(e) => set('starts_at', e.target.value)} error={fe.starts_at} />
          </div>
          <div {...fieldAt('ends_at')}>
            <Field label={t('organizer.form.ends')} type="datetime-local" required value={d.ends_at} min={d.starts_at || undefined} onChange={(e) => set('ends_at', e.target.value)} error={fe.ends_at} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('organizer.form.rules')}</legend>
        <div className="grid-3">
          <div {...fieldAt('currency')}>
            <Field label={t('organizer.form.currency')} list="currencies" required maxLength={3} value={d.currency}
              onChange={(e) => set('currency', e.target.value.toUpperCase())} error={fe.currency} />
            <datalist id="currencies">
              {CURRENCIES.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </div>
          <div {...fieldAt('capacity')}>
            <Field label={t('organizer.form.capacity')} type="number" min={0} inputMode="numeric" value={d.capacity} placeholder={String(typesSum)}
              onChange={(e) => set('capacity', e.target.value)} error={fe.capacity} hint={t('organizer.form.capacityHint')} />
          </div>
          <div {...fieldAt('max_per_user')}>
            <Field label={t('organizer.form.maxPerUser')} type="number" min={1} inputMode="numeric" value={d.max_per_user}
              onChange={(e) => set('max_per_user', e.target.value)} error={fe.max_per_user} hint={t('organizer.form.noLimit')} />
          </div>
          <div {...fieldAt('hold_minutes')}>
            <Field label={t('organizer.form.holdMinutes')} type="number" min={1} inputMode="numeric" value={d.hold_minutes}
              onChange={(e) => set('hold_minutes', e.target.value)} error={fe.hold_minutes} />
          </div>
          <div className="field">
            <label>
              <input type="checkbox" checked={d.pay_at_door} onChange={(e) => set('pay_at_door', e.target.checked)} />{' '}
              {t('organizer.form.payAtDoor')}
            </label>
          </div>
          <div {...fieldAt('waitlist_offer_minutes')}>
            <Field label={t('organizer.form.offerMinutes')} type="number" min={1} inputMode="numeric" value={d.waitlist_offer_minutes}
              onChange={(e) => set('waitlist_offer_minutes', e.target.value)} error={fe.waitlist_offer_minutes} />
          </div>
          <div {...fieldAt('cancel_cutoff_hours')}>
            <Field label={t('organizer.form.cancelCutoff')} type="number" min={0} inputMode="numeric" value={d.cancel_cutoff_hours}
              onChange={(e) => set('cancel_cutoff_hours', e.target.value)} error={fe.cancel_cutoff_hours} hint={t('organizer.form.cancelCutoffHint')} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('organizer.form.ticketTypes')}</legend>
        {fe.ticket_types && <div className="field-error">{fe.ticket_types}</div>}
        <ol className="tt-list">
          {d.ticket_types.map((tt, i) => {
            return (
              <li key={tt.key} className="tt-row card">
                <div className="grid-3">
                  <div {...fieldAt(typeField(i, 'name'))}>
                    <Field label={t('organizer.form.name')} required value={tt.name} maxLength={200} onChange={(e) => setType(i, { name: e.target.value })} error={fe[typeField(i, 'name')]} />
                  </div>
                  <div {...fieldAt(typeField(i, 'price'))}>
                    <Field label={t('organizer.form.price', { currency: d.currency || '…' })} inputMode="decimal" value={tt.price} onChange={(e) => setType(i, { price: e.target.value })} error={fe[typeField(i, 'price')]} hint={t('organizer.form.priceHint')} />
                  </div>
                  <div {...fieldAt(typeField(i, 'capacity'))}>
                    <Field label={t('organizer.form.tickets')} type="number" min={tt.sold} inputMode="numeric" value={tt.capacity} onChange={(e) => setType(i, { capacity: e.target.value })}
                      error={fe[typeField(i, 'capacity')]} hint={tt.id ? t('organizer.form.sold', { count: tt.sold }) : undefined} />
                  </div>
                </div>
                <div {...fieldAt(typeField(i, 'description'))}>
                  <Field label={t('organizer.form.description')} maxLength={2000} value={tt.description} onChange={(e) => setType(i, { description: e.target.value })} error={fe[typeField(i, 'description')]} />
                </div>
                <div className="grid-3">
                  <div {...fieldAt(typeField(i, 'sales_start'))}>
                    <Field label={t('organizer.form.salesStart')} type="datetime-local" value={tt.sales_start} onChange={(e) => setType(i, { sales_start: e.target.value })} error={fe[typeField(i, 'sales_start')]} />
                  </div>
                  <div {...fieldAt(typeField(i, 'sales_end'))}>
                    <Field label={t('organizer.form.salesEnd')} type="datetime-local" value={tt.sales_end} onChange={(e) => setType(i, { sales_end: e.target.value })} error={fe[typeField(i, 'sales_end')]} />
                  </div>
                  <div {...fieldAt(typeField(i, 'max_per_order'))}>
                    <Field label={t('organizer.form.maxPerOrder')} type="number" min={1} inputMode="numeric" value={tt.max_per_order} onChange={(e) => setType(i, { max_per_order: e.target.value })} error={fe[typeField(i, 'max_per_order')]} />
                  </div>
                </div>
                <div className="tt-actions">
                  <label className="checkbox">
                    <input type="checkbox" checked={tt.hidden} onChange={(e) => setType(i, { hidden: e.target.checked })} />{' '}
                    {t('organizer.form.hidden')}
                  </label>
                  <button type="button" className="btn btn-link danger" disabled={tt.sold > 0 || d.ticket_types.length === 1}
                    title={tt.sold > 0 ? t('organizer.form.typeSold') : undefined}
                    onClick={() => setD((x) => ({ ...x, ticket_types: x.ticket_types.filter((_, j) => j !== i) }))}>
                    {t('organizer.form.remove')}
                    <span className="visually-hidden"> {tt.name || t('organizer.form.typeN', { n: i + 1 })}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
        <button type="button" className="btn btn-secondary" onClick={() => setD((x) => ({ ...x, ticket_types: [...x.ticket_types, blankTicketType()] }))}>
          {t('organizer.form.addType')}
        </button>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? t('common.saving') : submitLabel}
        </button>
      </div>
    </form>
  );
}
