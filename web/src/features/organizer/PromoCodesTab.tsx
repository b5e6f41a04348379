import { useState, type FormEvent } from 'react';
import { Field, SelectField } from '@/components/Field';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError, type PromoCodeCreate } from '@/lib/api';
import { formatDateTime, zonedInputToUtc } from '@/lib/dates';
import { formatMoney, parseMoneyInput } from '@/lib/money';
import { useCreatePromoCode, usePromoCodes } from './api';
import { useOrganizerEventContext } from './OrganizerPages';

export function PromoCodesTab() {
  const { event } = useOrganizerEventContext();
  const codes = usePromoCodes(event.id);
  const create = useCreatePromoCode(event.id);
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<'percent' | 'fixed'>('percent');
  const [amount, setAmount] = useState('');
  const [appliesTo, setAppliesTo] = useState<string[]>([]);
  const [unlocks, setUnlocks] = useState<string[]>([]);
  const [maxUses, setMaxUses] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [clientErr, setClientErr] = useState<Record<string, string>>({});
  const fe = { ...(isApiError(create.error) ? create.error.fieldErrors() : {}), ...clientErr };
  const typeName = (id: string) => event.ticket_types.find((t) => t.id === id)?.name ?? id;
  const hiddenTypes = event.ticket_types.filter((t) => t.hidden);

  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    let amt: number | null;
    if (kind === 'percent') {
      amt = /^\d+$/.test(amount.trim()) ? Number(amount) : null;
      if (amt === null || amt < 1 || amt > 100) errs.amount = 'Enter a percentage from 1 to 100.';
    } else {
      amt = parseMoneyInput(amount, event.currency);
      if (amt === null) errs.amount = 'Enter an amount like 5.00.';
    }
    if (!/^[A-Za-z0-9_-]{3,64}$/.test(code.trim())) errs.code = 'Use 3 to 64 letters, digits, - or _.';
    if (maxUses.trim() && !/^[1-9]\d*$/.test(maxUses.trim())) errs.max_uses = 'Use a whole number of at least 1.';
    setClientErr(errs);
    if (Object.keys(errs).length) return;
    const body: PromoCodeCreate = {
      code: code.trim(),
      kind,
      amount: amt!,
      ticket_type_ids: appliesTo,
      unlocks_ticket_type_ids: unlocks,
      max_uses: maxUses.trim() ? Number(maxUses) : null,
      valid_from: from ? zonedInputToUtc(from, event.timezone) : null,
      valid_until: until ? zonedInputToUtc(until, event.timezone) : null,
    };
    create.mutate(body, {
      onSuccess: () => {
        setCode('');
        setAmount('');
        setAppliesTo([]);
        setUnlocks([]);
        setMaxUses('');
        setFrom('');
        setUntil('');
      },
    });
  };

  return (
    <section aria-labelledby="promo-h" className="stack">
      <h2 id="promo-h">Promo codes</h2>
      {codes.isPending ? (
        <Loading />
      ) : codes.isError ? (
        <ErrorMessage error={codes.error} />
      ) : codes.data.length === 0 ? (
        <p className="empty">No promo codes yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Discount</th>
                <th scope="col">Applies to</th>
                <th scope="col">Unlocks</th>
                <th scope="col" className="num">Used</th>
                <th scope="col">Valid</th>
              </tr>
            </thead>
            <tbody>
              {codes.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <code>{c.code}</code>
                  </td>
                  <td>{c.kind === 'percent' ? `${c.amount}%` : formatMoney(c.amount, event.currency)}</td>
                  <td>{c.ticket_type_ids.length ? c.ticket_type_ids.map(typeName).join(', ') : 'All types'}</td>
                  <td>{c.unlocks_ticket_type_ids.length ? c.unlocks_ticket_type_ids.map(typeName).join(', ') : '—'}</td>
                  <td className="num">
                    {c.uses}
                    {c.max_uses ? ` / ${c.max_uses}` : ''}
                  </td>
                  <td>
                    {c.valid_from ? `from ${formatDateTime(c.valid_from, event.timezone)}` : ''}
                    {c.valid_until ? ` until ${formatDateTime(c.valid_until, event.timezone)}` : ''}
                    {!c.valid_from && !c.valid_until && 'Always'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={submit} noValidate className="card stack">
        <h3>Add a code</h3>
        {isApiError(create.error) && !Object.keys(fe).length && <ErrorMessage error={create.error} />}
        <div className="grid-3">
          <Field label="Code" value={code} maxLength={64} onChange={(e) => setCode(e.target.value)} error={fe.code} />
          <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as 'percent' | 'fixed')} error={fe.kind}>
            <option value="percent">Percent off</option>
            <option value="fixed">Amount off each ticket</option>
          </SelectField>
          <Field label={kind === 'percent' ? 'Percent' : `Amount (${event.currency})`} inputMode="decimal" value={amount}
            onChange={(e) => setAmount(e.target.value)} error={fe.amount} />
          <Field label="Max uses" type="number" min={1} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} error={fe.max_uses} hint="Empty: unlimited." />
          <Field label="Valid from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} error={fe.valid_from} />
          <Field label="Valid until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} error={fe.valid_until} />
        </div>
        <fieldset>
          <legend>Discount applies to</legend>
          <p className="hint">None ticked: every type.</p>
          {event.ticket_types.map((t) => (
            <label key={t.id} className="checkbox">
              <input type="checkbox" checked={appliesTo.includes(t.id)} onChange={() => setAppliesTo((l) => toggle(l, t.id))} /> {t.name}
            </label>
          ))}
          {fe.ticket_type_ids && <div className="field-error">{fe.ticket_type_ids}</div>}
        </fieldset>
        {hiddenTypes.length > 0 && (
          <fieldset>
            <legend>Reveals hidden types</legend>
            {hiddenTypes.map((t) => (
              <label key={t.id} className="checkbox">
                <input type="checkbox" checked={unlocks.includes(t.id)} onChange={() => setUnlocks((l) => toggle(l, t.id))} /> {t.name}
              </label>
            ))}
            {fe.unlocks_ticket_type_ids && <div className="field-error">{fe.unlocks_ticket_type_ids}</div>}
          </fieldset>
        )}
        <div>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            Add code
          </button>
        </div>
      </form>
    </section>
  );
}
