import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { useVerifyEmail } from './api';

/** /verify?token=… — confirms the address with the token from the mail. */
export function VerifyPage() {
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
      <title>{'Confirm your email · admit'}</title>
      <h1>Confirm your email</h1>
      {!token ? (
        <p role="alert" className="alert alert-error">
          This link has no token. Open the link from the mail again.
        </p>
      ) : verify.isSuccess ? (
        <div role="status" className="alert alert-ok">
          <p>Your email address is confirmed.</p>
          <p>
            <Link className="btn btn-primary" to="/sign-in">
              Sign in
            </Link>
          </p>
        </div>
      ) : verify.isError ? (
        <>
          {isApiError(verify.error) && (verify.error.status === 410 || verify.error.status === 422) ? (
            <p role="alert" className="alert alert-error">
              This link has expired or was already used. Sign in, or ask for a new link from the sign-in page.
            </p>
          ) : (
            <ErrorMessage error={verify.error} />
          )}
          <p>
            <Link to="/sign-in">Go to sign in</Link>
          </p>
        </>
      ) : (
        <Loading label="Confirming…" />
      )}
    </section>
  );
}
