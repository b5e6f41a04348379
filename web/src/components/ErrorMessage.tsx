import { Trans, useTranslation } from 'react-i18next';
import { NETWORK_ERROR_CODE, isApiError } from '@/lib/api';

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
  const { t } = useTranslation();
  if (!error) return null;
  let detail: string = t('common.errorGeneric');
  let fields: { field: string; message: string }[] = [];
  if (isApiError(error)) {
    // The server's problem detail is shown as it says it; what the app says itself is translated.
    detail = error.detail;
    if (error.code === NETWORK_ERROR_CODE) detail = t('common.errorNetwork');
    if (error.code === 'rate_limited') {
      detail = error.retryAfter
        ? t('common.rateLimited', { seconds: error.retryAfter })
        : t('common.rateLimitedSoon');
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
              <Trans i18nKey="common.fieldError" values={{ field: f.field, message: f.message }} components={[<code key="f" />]} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {label ?? t('common.loading')}
    </p>
  );
}
