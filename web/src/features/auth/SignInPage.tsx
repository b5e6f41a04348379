import { Trans, useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { safeNext } from '@/lib/auth';
import { useResendVerification, useSignIn } from './api';

export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const signIn = useSignIn();
  const resend = useResendVerification();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  };

  const err = isApiError(signIn.error) ? signIn.error : null;
  const unverified = err?.code === 'email_not_verified';

  return (
    <section className="page narrow">
      <title>{t('common.pageTitle', { title: t('nav.signIn') })}</title>
      <h1>{t('nav.signIn')}</h1>
      <form onSubmit={submit} className="stack">
        {err &&
          (err.code === 'invalid_credentials' ? (
            <div className="alert alert-error" role="alert">
              {t('auth.signIn.badCredentials')}
            </div>
          ) : unverified ? (
            <div className="alert alert-error" role="alert">
              {t('auth.signIn.unverified')}{' '}
              <button
                type="button"
                className="btn btn-link"
                disabled={resend.isPending || resend.isSuccess}
                onClick={() => resend.mutate(email.trim())}
              >
                {resend.isSuccess ? t('auth.signIn.sentAgain') : t('auth.sendAgain')}
              </button>
            </div>
          ) : (
            <ErrorMessage error={err} />
          ))}
        <Field
          label={t('common.email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label={t('password.label')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={signIn.isPending}>
          {signIn.isPending ? t('auth.signIn.submitting') : t('nav.signIn')}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">{t('auth.signIn.forgot')}</Link>
      </p>
      <p>
        <Trans
          i18nKey="auth.signIn.newHere"
          components={[<Link key="l" to={`/sign-up${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} />]}
        />
      </p>
    </section>
  );
}
