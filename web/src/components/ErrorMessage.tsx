import { isApiError } from '@/lib/api';

/** A failed request, said plainly. Field errors are listed unless the form shows them itself. */
export function ErrorMessage({
  error,
  title,
  showFields = false,
}: {
  error: unknown;
  title?: string;
  showFields?: boolean;
}) {
  if (!error) return null;
  let detail = 'Something went wrong. Please try again.';
  let fields: { field: string; message: string }[] = [];
  if (isApiError(error)) {
    detail = error.detail;
    if (error.code === 'rate_limited') {
      detail = error.retryAfter
        ? `Too many attempts. Try again in ${error.retryAfter} seconds.`
        : 'Too many attempts. Try again shortly.';
    }
    fields = error.errors;
  } else if (error instanceof Error && error.message) {
    detail = error.message;
  }
  return (
    <div className="alert alert-error" role="alert">
      {title && <strong>{title} </strong>}
      {detail}
      {showFields && fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.field + f.message}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}
