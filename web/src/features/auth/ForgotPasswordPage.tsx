import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { useRequestPasswordReset } from './api';

export function ForgotPasswordPage() {
  const reset = useRequestPasswordReset();
  const [email, setEmail] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate(email.trim());
  };
  const fe = isApiError(reset.error) ? reset.error.fieldErrors() : {};
  return (
    <section className="page narrow">
      <title>{'Reset your password · admit'}</title>
      <h1>Reset your password</h1>
      {reset.isSuccess ? (
        <div role="status" className="alert alert-ok">
          If an account uses <strong>{email}</strong>, a reset link is on its way. Check your email.
        </div>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>Enter your email and we&apos;ll send you a link to choose a new password.</p>
          {reset.isError && !fe.email && <ErrorMessage error={reset.error} />}
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fe.email}
          />
          <button type="submit" className="btn btn-primary" disabled={reset.isPending}>
            Send reset link
          </button>
        </form>
      )}
      <p>
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </section>
  );
}
