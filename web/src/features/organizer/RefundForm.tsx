import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '@/components/ErrorMessage';
import { formatMoney } from '@/lib/format';
import { minorToInput, parseMoneyInput } from '@/lib/money';
import type { Registration } from '@/lib/api';
import { useRefund } from './api';

/** The organizer's refund: an amount (all by default, or part) and a reason, sent to Stripe. */
export function RefundForm({ reg, eventId, onDone }: { reg: Pick<Registration, 'id' | 'total' | 'currency'>; eventId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState(minorToInput(reg.total, reg.currency));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const refund = useRefund(eventId);
  const id = `refund-${reg.id}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseMoneyInput(amount, reg.currency);
    if (minor === null || minor <= 0 || minor > reg.total) {
      setProblem(t('refund.errAmount', { min: formatMoney(1, reg.currency), max: formatMoney(reg.total, reg.currency) }));
      return;
    }
    if (!reason.trim()) {
      setProblem(t('refund.errReason'));
      return;
    }
    setProblem(null);
    refund.mutate({ id: reg.id, amount: minor, reason: reason.trim() }, { onSuccess: onDone });
  };

  return (
    <form className="refund-form" aria-label={t('refund.formLabel', { id: reg.id })} onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-amount`}>{t('refund.amount', { currency: reg.currency })}</label>
        <input id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t('refund.reason')}</label>
        <input id={`${id}-reason`} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      {problem && <p className="field-error" role="alert">{problem}</p>}
      <ErrorMessage error={refund.error} />
      <p>
        <button type="submit" className="btn btn-danger-outline" disabled={refund.isPending}>
          {refund.isPending ? t('refund.submitting') : t('refund.submit')}
        </button>{' '}
        <button type="button" className="btn btn-link" onClick={onDone}>
          {t('refund.close')}
        </button>
      </p>
    </form>
  );
}
