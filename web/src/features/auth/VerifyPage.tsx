import { useTranslation } from 'react-i18next';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { useVerifyEmail } from './api';
import { DoneSignIn } from './DoneSignIn';

/** /verify?token=… — confirms the address with the token from the mail. */
export function VerifyPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useVerifyEmail();
  const sent = useRef(false);

  useEffect(() => {
    if (token && !sent.current) {
      sent.current = true;
      verify.mutate(token);
    }
  }, [token, verify]);

  return (
    <section className="page narrow">
      <title>{t('common.pageTitle', { title: t('auth.verify.title') })}</title>
      <h1>{t('auth.verify.title')}</h1>
      {!token ? (
        <p role="alert" className="alert alert-error">
          {t('auth.verify.noToken')}
        </p>
      ) : verify.isSuccess ? (
        <DoneSignIn message={t('auth.verify.done')} />
      ) : verify.isError ? (
        <>
          {isApiError(verify.error) && (verify.error.status === 410 || verify.error.status === 422) ? (
            <p role="alert" className="alert alert-error">
              {t('auth.verify.expired')}
            </p>
          ) : (
            <ErrorMessage error={verify.error} />
          )}
          <p>
            <Link to="/sign-in">{t('auth.verify.goToSignIn')}</Link>
          </p>
        </>
      ) : (
        <Loading label={t('auth.verify.confirming')} />
      )}
    </section>
  );
}
