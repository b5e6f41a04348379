import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** The success box of a mailed link (address verified, password reset): what happened, then sign in. */
export function DoneSignIn({ message }: { message: string }) {
  const { t } = useTranslation();
  return (
    <div role="status" className="alert alert-ok">
      <p>{message}</p>
      <p>
        <Link className="btn btn-primary" to="/sign-in">
          {t('nav.signIn')}
        </Link>
      </p>
    </div>
  );
}
