import { useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { useResendVerification } from './api';

export function CheckEmailPage() {
  const [params] = useSearchParams();
  const email = params.get('email') ?? '';
  const resend = useResendVerification();
  return (
    <section className="page narrow">
      <title>{'Check your email · admit'}</title>
      <h1>Check your email</h1>
      <p>
        We sent a link to {email ? <strong>{email}</strong> : 'your address'}. Open it to confirm your
        address, then sign in.
      </p>
      <p className="hint">The link works for a limited time. Didn&apos;t get it? Check your spam folder.</p>
      {email && (
        <p>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={resend.isPending || resend.isSuccess}
            onClick={() => resend.mutate(email)}
          >
            {resend.isSuccess ? 'Sent again' : 'Send the link again'}
          </button>
        </p>
      )}
      <ErrorMessage error={resend.error} />
      {resend.isSuccess && (
        <p role="status" className="alert alert-ok">
          If the account still needs confirming, a new link is on its way.
        </p>
      )}
    </section>
  );
}
