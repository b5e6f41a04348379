import { useTranslation } from 'react-i18next';
import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A destructive action in two steps: the button asks "Are you sure?" inline, then
 * confirm or keep. Keyboard friendly (focus moves to the confirm button).
 */
export function ConfirmButton({
  children,
  question,
  confirmLabel,
  cancelLabel,
  onConfirm,
  busy = false,
  className = 'btn btn-danger-outline',
}: {
  children: ReactNode;
  question: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  onConfirm: () => void;
  busy?: boolean;
  className?: string;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className={className} onClick={() => setAsking(true)} disabled={busy}>
        {children}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={t('common.confirm')}>
      <span className="confirm-question">{question}</span>
      <button
        ref={confirmRef}
        type="button"
        className="btn btn-danger"
        disabled={busy}
        onClick={() => {
          onConfirm();
          setAsking(false);
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn btn-secondary" onClick={() => setAsking(false)}>
        {cancelLabel ?? t('common.keep')}
      </button>
    </span>
  );
}
