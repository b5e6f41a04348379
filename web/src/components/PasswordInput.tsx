import { useId, useState } from 'react';
import { passwordRules } from '@/lib/password';

/** A new-password input that shows the rules and which are met as you type. */
export function NewPasswordInput({
  label = 'Password',
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
  const id = useId();
  const [show, setShow] = useState(false);
  // The full common-password list arrives as its own chunk; re-check when it has.
  const rules = passwordRules(value);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-with-button">
        <input
          id={id}
          name={name}
          type={show ? 'text' : 'password'}
          autoComplete="new-password"
          required
          maxLength={128}
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
          {show ? 'Hide' : 'Show'}
        </button>
      </div>
      <ul id={`${id}-rules`} className="rules" aria-label="Password rules">
        {rules.map((r) => (
          <li key={r.id} className={value && r.ok ? 'ok' : value ? 'bad' : ''}>
            <span aria-hidden="true">{value && r.ok ? '✓' : '•'}</span> {r.label}
            <span className="visually-hidden">{value ? (r.ok ? ' (met)' : ' (not met)') : ''}</span>
          </li>
        ))}
      </ul>
      {error && (
        <div id={`${id}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}
