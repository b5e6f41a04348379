import { Trans, useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { useResendVerification } from './api';

export function CheckEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const email = params.get('email') ?? '';
  const resend = useResendVerification();
  return (
    <section className="page narrow">
      <title>{t('common.pageTitle', { title: t('auth.checkEmail.title') })}</title>
      <h1>{t('auth.checkEmail.title')}</h1>
      <p>
        {email ? (
          <Trans i18nKey="auth.checkEmail.sentTo" values={{ email }} components={[<strong key="e" />]} />
        ) : (
          t('auth.checkEmail.sentToYou')
        )}
      </p>
      <p className="hint">{t('auth.checkEmail.hint')}</p>
      {email && (
        <p>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={resend.isPending || resend.isSuccess}
            onClick={() => resend.mutate(email)}
          >
            {resend.isSuccess ? t('auth.checkEmail.sentAgain') : t('auth.sendAgain')}
          </button>
        </p>
      )}
      <ErrorMessage error={resend.error} />
      {resend.isSuccess && (
        <p role="status" className="alert alert-ok">
          {t('auth.checkEmail.resent')}
        </p>
      )}
    </section>
  );
}
