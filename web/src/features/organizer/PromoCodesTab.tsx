import { useState, type FormEvent } from 'react';
import { Field, SelectField } from '@/components/Field';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError, type PromoCode, type PromoCodeCreate, type TicketType } from '@/lib/api';
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
  const [scope, setScope] = useState(''); // '' = whole event, else a ticket type id
  const [unlocks, setUnlocks] = useState(false);
  const [maxUses, setMaxUses] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [clientErr, setClientErr] = useState<Record<string, string>>({});
  const fe = { ...(isApiError(create.error) ? create.error.fieldErrors() : {}), ...clientErr };
  const typeName = (id: string) => event.ticket_types.find((t) => t.id === id)?.name ?? id;
  // Hidden types a code with `unlocks_hidden` makes available: its own type, or all of them.
  const unlockable = hiddenInScope(event.ticket_types, scope || null);
  const canUnlock = unlockable.length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    let amt: number | null;
    if (kind === 'percent') {
      amt = /^\d+$/.test(amount.trim()) ? Number(amount) : null;
      if (amt === null || amt > 100) errs.amount = 'Enter a percentage from 0 to 100.';
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
      <h2 id="promo-h">Promo codes</h2>
      {codes.isPending ? (
        <Loading />
      ) : codes.isError ? (
        <ErrorMessage error={codes.error} />
      ) : codes.data.length === 0 ? (
        <p className="empty">No promo codes yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-sm">
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
                    <code className="code">{c.code}</code>
                  </td>
                  <td data-label="Discount">
                    {c.amount === 0
                      ? 'None'
                      : c.kind === 'percent'
                        ? `${c.amount}% off`
                        : `${formatMoney(c.amount, event.currency)} off the order`}
                  </td>
                  <td data-label="Applies to">{c.ticket_type_id ? typeName(c.ticket_type_id) : 'Whole event'}</td>
                  <td data-label="Unlocks">{unlocksLabel(c, event.ticket_types)}</td>
                  <td className="num" data-label="Used">
                    {c.uses}
                    {c.max_uses ? ` / ${c.max_uses}` : ''}
                  </td>
                  <td data-label="Valid">
                    {[
                      c.valid_from && `from ${formatDateTime(c.valid_from, event.timezone)}`,
                      c.valid_until && `until ${formatDateTime(c.valid_until, event.timezone)}`,
                    ]
                      .filter(Boolean)
                      .join(' ') || 'Always'}
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
            <option value="fixed">Amount off the order</option>
          </SelectField>
          <Field label={kind === 'percent' ? 'Percent' : `Amount (${event.currency})`} inputMode="decimal" value={amount}
            onChange={(e) => setAmount(e.target.value)} error={fe.amount} hint={canUnlock ? '0 for a code that only reveals hidden tickets.' : undefined} />
        </div>
        <div className="grid-3">
          <SelectField
            label="Applies to"
            value={scope}
            onChange={(e) => setScope(e.target.value)}
            error={fe.ticket_type_id}
            hint={scope ? 'Only this ticket type is discounted.' : 'Every ticket type in the order.'}
          >
            <option value="">Whole event</option>
            {event.ticket_types.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
                {t.hidden ? ' (hidden)' : ''}
              </option>
            ))}
          </SelectField>
          <Field label="Max uses" type="number" min={1} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} error={fe.max_uses} hint="Registrations; empty: unlimited." />
        </div>
        <div className="grid-3">
          <Field label="Valid from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} error={fe.valid_from} />
          <Field label="Valid until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} error={fe.valid_until} />
        </div>
        {canUnlock && (
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" checked={unlocks} onChange={(e) => setUnlocks(e.target.checked)} /> Reveals hidden
              tickets: {unlockable.map((t) => t.name).join(', ')}
            </label>
            <div className="hint">Buyers who enter the code can see and buy {unlockable.length === 1 ? 'it' : 'them'}.</div>
            {fe.unlocks_hidden && <div className="field-error">{fe.unlocks_hidden}</div>}
          </div>
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

/** The hidden ticket types a code with this scope (a type id, or null for the whole event) can reveal. */
export function hiddenInScope(types: TicketType[], scope: string | null): TicketType[] {
  return types.filter((t) => t.hidden && (scope == null || t.id === scope));
}

function unlocksLabel(c: PromoCode, types: TicketType[]): string {
  if (!c.unlocks_hidden) return '—';
  const names = hiddenInScope(types, c.ticket_type_id).map((t) => t.name);
  return names.length ? names.join(', ') : '—';
}
