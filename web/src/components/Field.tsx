import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldShell {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
}

function describedBy(hintId: string, errId: string, hint?: ReactNode, error?: string) {
  return [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ') || undefined;
}

/** A labelled input with an optional hint and error, wired for screen readers. */
export function Field({
  label,
  error,
  hint,
  className,
  id,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={fid}>{label}</label>
      <input
        id={fid}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${fid}-hint`, `${fid}-err`, hint, error)}
        {...input}
      />
      {hint && (
        <div id={`${fid}-hint`} className="hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${fid}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

export function SelectField({
  label,
  error,
  hint,
  className,
  id,
  children,
  ...select
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={fid}>{label}</label>
      <select
        id={fid}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${fid}-hint`, `${fid}-err`, hint, error)}
        {...select}
      >
        {children}
      </select>
      {hint && (
        <div id={`${fid}-hint`} className="hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${fid}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  className,
  id,
  ...area
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={fid}>{label}</label>
      <textarea
        id={fid}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${fid}-hint`, `${fid}-err`, hint, error)}
        {...area}
      />
      {hint && (
        <div id={`${fid}-hint`} className="hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${fid}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}
