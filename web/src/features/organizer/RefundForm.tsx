import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/ErrorMessage';
import { formatMoney, minorToInput, parseMoneyInput } from '@/lib/money';
import type { Registration } from '@/lib/api';
import { useRefund } from './api';

/** The organizer's refund: an amount (all by default, or part) and a reason, sent to Stripe. */
export function RefundForm({ reg, eventId, onDone }: { reg: Pick<Registration, 'id' | 'total' | 'currency'>; eventId: string; onDone: () => void }) {
  const [amount, setAmount] = useState(minorToInput(reg.total, reg.currency));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const refund = useRefund(eventId);
  const id = `refund-${reg.id}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseMoneyInput(amount, reg.currency);
    if (minor === null || minor <= 0 || minor > reg.total) {
      setProblem(`Enter an amount between ${formatMoney(1, reg.currency)} and ${formatMoney(reg.total, reg.currency)}.`);
      return;
    }
    if (!reason.trim()) {
      setProblem('Say why you refund (the attendee sees it).');
      return;
    }
    setProblem(null);
    refund.mutate({ id: reg.id, amount: minor, reason: reason.trim() }, { onSuccess: onDone });
  };

  return (
    <form className="refund-form" aria-label={`Refund ${reg.id}`} onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-amount`}>Amount ({reg.currency})</label>
        <input id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <input id={`${id}-reason`} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      {problem && <p className="field-error" role="alert">{problem}</p>}
      <ErrorMessage error={refund.error} />
      <p>
        <button type="submit" className="btn btn-danger-outline" disabled={refund.isPending}>
          {refund.isPending ? 'Refunding…' : 'Refund'}
        </button>{' '}
        <button type="button" className="btn btn-link" onClick={onDone}>
          Close
        </button>
      </p>
    </form>
  );
}
