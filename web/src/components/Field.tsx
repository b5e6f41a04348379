import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldShell {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
}

/** The attributes that tie a control to its label, hint and error for screen readers. */
interface ControlWiring {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** Label, hint and error around one control; `control` renders the control itself. */
function FieldFrame({
  label,
  error,
  hint,
  className,
  id,
  control,
}: FieldShell & { id?: string; control: (wiring: ControlWiring) => ReactNode }) {
  const auto = useId();
  const fid = id ?? auto;
  const hintId = `${fid}-hint`;
  const errId = `${fid}-err`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={fid}>{label}</label>
      {control({ id: fid, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <div id={hintId} className="hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={errId} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** A labelled input with an optional hint and error, wired for screen readers. */
export function Field({ label, error, hint, className, id, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className} id={id}
      control={(wiring) => <input {...wiring} {...input} />} />
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
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className} id={id}
      control={(wiring) => (
        <select {...wiring} {...select}>
          {children}
        </select>
      )} />
  );
}

export function TextAreaField({ label, error, hint, className, id, ...area }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className} id={id}
      control={(wiring) => <textarea {...wiring} {...area} />} />
  );
}
