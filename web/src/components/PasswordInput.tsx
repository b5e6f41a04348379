import { useTranslation } from 'react-i18next';
import { useId, useState } from 'react';
import { PASSWORD_MAX, passwordHint } from '@/lib/password';

/**
 * A new-password input with the rules as a hint; whether a password passes is the server's
 * answer (its 422 message for `password` comes back as `error`).
 */
export function NewPasswordInput({
  label,
  value,
  onChange,
  error,
  name = 'password',
}: {
  label?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  name?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [show, setShow] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{label ?? t('password.label')}</label>
      <div className="input-with-button">
        <input
          id={id}
          name={name}
          type={show ? 'text' : 'password'}
          autoComplete="new-password"
          required
          maxLength={PASSWORD_MAX}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-rules${error ? ` ${id}-err` : ''}`}
        />
        <button
          type="button"
          className="btn btn-secondary btn-small"
          aria-pressed={show}
          onClick={() => setShow((s) => !s)}
        >
          {show ? t('password.hide') : t('password.show')}
        </button>
      </div>
      <p id={`${id}-rules`} className="hint">
        {passwordHint()}
      </p>
      {error && (
        <div id={`${id}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}
