import i18n from '@/i18n';
import { useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { Field, SelectField } from '@/components/Field';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError, type PromoCode, type PromoCodeCreate, type TicketType } from '@/lib/api';
import { zonedInputToUtc } from '@/lib/dates';
import { formatDateTime, formatList, formatMoney, formatNumber, formatPercent } from '@/lib/format';
import { minorToInput, parseMoneyInput } from '@/lib/money';
import { useCreatePromoCode, usePromoCodes } from './api';
import { useOrganizerEventContext } from './OrganizerPages';

export function PromoCodesTab() {
  const { t } = useTranslation();
  const { event } = useOrganizerEventContext();
  const codes = usePromoCodes(event.id);
  const create = useCreatePromoCode(event.id);
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<'percent' | 'fixed'>('percent');
  const [amount, setAmount] = useState('');
  const [scope, setScope] = useState(''); // '' = whole event, else a ticket type id
  const [unlocks, setUnlocks] = useState(false);
  const [maxUses, setMaxUses] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [clientErr, setClientErr] = useState<Record<string, string>>({});
  const fe = { ...(isApiError(create.error) ? create.error.fieldErrors() : {}), ...clientErr };
  const typeName = (id: string) => event.ticket_types.find((tt) => tt.id === id)?.name ?? id;
  // Hidden types a code with `unlocks_hidden` makes available: its own type, or all of them.
  const unlockable = hiddenInScope(event.ticket_types, scope || null);
  const canUnlock = unlockable.length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    let amt: number | null;
    if (kind === 'percent') {
      amt = /^\d+$/.test(amount.trim()) ? Number(amount) : null;
      if (amt === null || amt > 100) errs.amount = t('organizer.promo.errPercent');
    } else {
      amt = parseMoneyInput(amount, event.currency);
      if (amt === null) errs.amount = t('organizer.promo.errAmount', { example: minorToInput(500, event.currency) });
    }
    if (!/^[A-Za-z0-9_-]{3,64}$/.test(code.trim())) errs.code = t('organizer.promo.errCode');
    if (maxUses.trim() && !/^[1-9]\d*$/.test(maxUses.trim())) errs.max_uses = t('organizer.promo.errMaxUses');
    setClientErr(errs);
    if (Object.keys(errs).length) return;
    const body: PromoCodeCreate = {
      code: code.trim(),
      kind,
      amount: amt!,
      ticket_type_id: scope || null,
      unlocks_hidden: canUnlock && unlocks,
      max_uses: maxUses.trim() ? Number(maxUses) : null,
      valid_from: from ? zonedInputToUtc(from, event.timezone) : null,
      valid_until: until ? zonedInputToUtc(until, event.timezone) : null,
    };
    create.mutate(body, {
      onSuccess: () => {
        setCode('');
        setAmount('');
        setScope('');
        setUnlocks(false);
        setMaxUses('');
        setFrom('');
        setUntil('');
      },
    });
  };

  return (
    <section aria-labelledby="promo-h" className="stack">
      <h2 id="promo-h">{t('organizer.promo.title')}</h2>
      {codes.isPending ? (
        <Loading />
      ) : codes.isError ? (
        <ErrorMessage error={codes.error} />
      ) : codes.data.length === 0 ? (
        <p className="empty">{t('organizer.promo.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-sm">
            <thead>
              <tr>
                <th scope="col">{t('organizer.promo.code')}</th>
                <th scope="col">{t('organizer.promo.discount')}</th>
                <th scope="col">{t('organizer.promo.appliesTo')}</th>
                <th scope="col">{t('organizer.promo.unlocks')}</th>
                <th scope="col" className="num">{t('organizer.promo.used')}</th>
                <th scope="col">{t('organizer.promo.valid')}</th>
              </tr>
            </thead>
            <tbody>
              {codes.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <code className="code">{c.code}</code>
                  </td>
                  <td data-label={t('organizer.promo.discount')}>
                    {c.amount === 0
                      ? t('organizer.promo.noDiscount')
                      : c.kind === 'percent'
                        ? t('organizer.promo.percentValue', { percent: formatPercent(c.amount) })
                        : t('organizer.promo.amountValue', { amount: formatMoney(c.amount, event.currency) })}
                  </td>
                  <td data-label={t('organizer.promo.appliesTo')}>{c.ticket_type_id ? typeName(c.ticket_type_id) : t('organizer.promo.wholeEvent')}</td>
                  <td data-label={t('organizer.promo.unlocks')}>{unlocksLabel(c, event.ticket_types)}</td>
                  <td className="num" data-label={t('organizer.promo.used')}>
                    {c.max_uses ? t('organizer.promo.usesOf', { uses: c.uses, max: c.max_uses }) : formatNumber(c.uses)}
                  </td>
                  <td data-label={t('organizer.promo.valid')}>
                    {[
                      c.valid_from && t('organizer.promo.from', { when: formatDateTime(c.valid_from, event.timezone) }),
                      c.valid_until && t('organizer.promo.until', { when: formatDateTime(c.valid_until, event.timezone) }),
                    ]
                      .filter(Boolean)
                      .join(' ') || t('organizer.promo.always')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={submit} noValidate className="card stack">
        <h3>{t('organizer.promo.add')}</h3>
        {isApiError(create.error) && !Object.keys(fe).length && <ErrorMessage error={create.error} />}
        <div className="grid-3">
          <Field label={t('organizer.promo.code')} value={code} maxLength={64} onChange={(e) => setCode(e.target.value)} error={fe.code} />
          <SelectField label={t('organizer.promo.kind')} value={kind} onChange={(e) => setKind(e.target.value as 'percent' | 'fixed')} error={fe.kind}>
            <option value="percent">{t('organizer.promo.percentOff')}</option>
            <option value="fixed">{t('organizer.promo.amountOff')}</option>
          </SelectField>
          <Field label={kind === 'percent' ? t('organizer.promo.percent') : t('organizer.promo.amount', { currency: event.currency })} inputMode="decimal" value={amount}
            onChange={(e) => setAmount(e.target.value)} error={fe.amount} hint={canUnlock ? t('organizer.promo.zeroHint') : undefined} />
        </div>
        <div className="grid-3">
          <SelectField
            label={t('organizer.promo.appliesTo')}
            value={scope}
            onChange={(e) => setScope(e.target.value)}
            error={fe.ticket_type_id}
            hint={scope ? t('organizer.promo.scopeOne') : t('organizer.promo.scopeAll')}
          >
            <option value="">{t('organizer.promo.wholeEvent')}</option>
            {event.ticket_types.map((tt) => (
              <option key={tt.id} value={tt.id}>
                {tt.hidden ? t('organizer.promo.hiddenType', { name: tt.name }) : tt.name}
              </option>
            ))}
          </SelectField>
          <Field label={t('organizer.promo.maxUses')} type="number" min={1} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} error={fe.max_uses} hint={t('organizer.promo.maxUsesHint')} />
        </div>
        <div className="grid-3">
          <Field label={t('organizer.promo.validFrom')} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} error={fe.valid_from} />
          <Field label={t('organizer.promo.validUntil')} type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} error={fe.valid_until} />
        </div>
        {canUnlock && (
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" checked={unlocks} onChange={(e) => setUnlocks(e.target.checked)} />{' '}
              {t('organizer.promo.reveals', { names: formatList(unlockable.map((tt) => tt.name)) })}
            </label>
            <div className="hint">{t('organizer.promo.revealsHint', { count: unlockable.length })}</div>
            {fe.unlocks_hidden && <div className="field-error">{fe.unlocks_hidden}</div>}
          </div>
        )}
        <div>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {t('organizer.promo.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The hidden ticket types a code with this scope (a type id, or null for the whole event) can reveal. */
export function hiddenInScope(types: TicketType[], scope: string | null): TicketType[] {
  return types.filter((tt) => tt.hidden && (scope == null || tt.id === scope));
}

function unlocksLabel(c: PromoCode, types: TicketType[]): string {
  const names = c.unlocks_hidden ? hiddenInScope(types, c.ticket_type_id).map((tt) => tt.name) : [];
  return names.length ? formatList(names) : i18n.t('common.emptyValue');
}
