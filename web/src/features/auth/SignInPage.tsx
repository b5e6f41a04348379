import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { safeNext } from '@/lib/auth';
import { useResendVerification, useSignIn } from './api';

export function SignInPage() {
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
      <title>{'Sign in · admit'}</title>
      <h1>Sign in</h1>
      <form onSubmit={submit} className="stack">
        {err &&
          (err.code === 'invalid_credentials' ? (
            <div className="alert alert-error" role="alert">
              That email and password don&apos;t match an account.
            </div>
          ) : unverified ? (
            <div className="alert alert-error" role="alert">
              Please confirm your email address first: open the link we mailed you.{' '}
              <button
                type="button"
                className="btn btn-link"
                disabled={resend.isPending || resend.isSuccess}
                onClick={() => resend.mutate(email.trim())}
              >
                {resend.isSuccess ? 'Link sent again' : 'Send the link again'}
              </button>
            </div>
          ) : (
            <ErrorMessage error={err} />
          ))}
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to={`/sign-up${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
      </p>
    </section>
  );
}
