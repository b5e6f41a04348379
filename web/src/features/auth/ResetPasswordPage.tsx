import { Trans, useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { NewPasswordInput } from '@/components/PasswordInput';
import { isApiError } from '@/lib/api';
import { useConfirmPasswordReset } from './api';
import { DoneSignIn } from './DoneSignIn';

/** /reset-password?token=… */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The server checks the password's rules; its 422 names what is wrong.
    confirm.mutate({ token, password });
  };
  const err = isApiError(confirm.error) ? confirm.error : null;

  if (!token) {
    return (
      <section className="page narrow">
        <title>{t('common.pageTitle', { title: t('auth.reset.title') })}</title>
        <h1>{t('auth.reset.title')}</h1>
        <p role="alert" className="alert alert-error">
          <Trans i18nKey="auth.reset.noToken" components={[<Link key="l" to="/forgot-password" />]} />
        </p>
      </section>
    );
  }
  return (
    <section className="page narrow">
      <title>{t('common.pageTitle', { title: t('auth.reset.title') })}</title>
      <h1>{t('auth.reset.title')}</h1>
      {confirm.isSuccess ? (
        <DoneSignIn message={t('auth.reset.done')} />
      ) : (
        <form onSubmit={submit} noValidate className="stack">
          {err && (err.status === 410 || err.fieldError('token')) ? (
            <p role="alert" className="alert alert-error">
              <Trans i18nKey="auth.reset.expired" components={[<Link key="l" to="/forgot-password" />]} />
            </p>
          ) : (
            err && !err.fieldError('password') && <ErrorMessage error={err} />
          )}
          <NewPasswordInput
            label={t('auth.reset.newPassword')}
            value={password}
            onChange={setPassword}
            error={err?.fieldError('password')}
          />
          <button type="submit" className="btn btn-primary" disabled={confirm.isPending}>
            {t('auth.reset.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
