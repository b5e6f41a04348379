import { Trans, useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { useRequestPasswordReset } from './api';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const reset = useRequestPasswordReset();
  const [email, setEmail] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate(email.trim());
  };
  const fe = isApiError(reset.error) ? reset.error.fieldErrors() : {};
  return (
    <section className="page narrow">
      <title>{t('common.pageTitle', { title: t('auth.forgot.title') })}</title>
      <h1>{t('auth.forgot.title')}</h1>
      {reset.isSuccess ? (
        <div role="status" className="alert alert-ok">
          <Trans i18nKey="auth.forgot.sent" values={{ email }} components={[<strong key="e" />]} />
        </div>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>{t('auth.forgot.intro')}</p>
          {reset.isError && !fe.email && <ErrorMessage error={reset.error} />}
          <Field
            label={t('common.email')}
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fe.email}
          />
          <button type="submit" className="btn btn-primary" disabled={reset.isPending}>
            {t('auth.forgot.submit')}
          </button>
        </form>
      )}
      <p>
        <Link to="/sign-in">{t('auth.backToSignIn')}</Link>
      </p>
    </section>
  );
}
