import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { NewPasswordInput } from '@/components/PasswordInput';
import { isApiError } from '@/lib/api';
import { passwordProblem } from '@/lib/password';
import { useConfirmPasswordReset } from './api';

/** /reset-password?token=… */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');
  const [clientError, setClientError] = useState<string>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = passwordProblem(password);
    setClientError(problem ?? undefined);
    if (!problem) confirm.mutate({ token, password });
  };
  const err = isApiError(confirm.error) ? confirm.error : null;

  if (!token) {
    return (
      <section className="page narrow">
        <title>{'Choose a new password · admit'}</title>
        <title>{'Choose a new password · admit'}</title>
      <h1>Choose a new password</h1>
        <p role="alert" className="alert alert-error">
          This link has no token. <Link to="/forgot-password">Ask for a new link.</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="page narrow">
      <title>{'Choose a new password · admit'}</title>
      <h1>Choose a new password</h1>
      {confirm.isSuccess ? (
        <div role="status" className="alert alert-ok">
          <p>Your password is changed. You have been signed out everywhere.</p>
          <p>
            <Link className="btn btn-primary" to="/sign-in">
              Sign in
            </Link>
          </p>
        </div>
      ) : (
        <form onSubmit={submit} noValidate className="stack">
          {err && (err.status === 410 || err.fieldError('token')) ? (
            <p role="alert" className="alert alert-error">
              This link has expired or was already used. <Link to="/forgot-password">Ask for a new link.</Link>
            </p>
          ) : (
            err && !err.fieldError('password') && <ErrorMessage error={err} />
          )}
          <NewPasswordInput
            label="New password"
            value={password}
            onChange={setPassword}
            error={clientError ?? err?.fieldError('password')}
          />
          <button type="submit" className="btn btn-primary" disabled={confirm.isPending}>
            Set new password
          </button>
        </form>
      )}
    </section>
  );
}
