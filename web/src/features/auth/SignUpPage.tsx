import { Trans, useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { NewPasswordInput } from '@/components/PasswordInput';
import { isApiError } from '@/lib/api';
import { useSignUp } from './api';

export function SignUpPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const signUp = useSignUp();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'attendee' | 'organizer'>('attendee');

  const server = isApiError(signUp.error) ? signUp.error : null;
  const fe = server?.fieldErrors() ?? {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The server checks the password's rules; its 422 names what is wrong.
    signUp.mutate(
      { name: name.trim(), email: email.trim(), password, role },
      { onSuccess: () => navigate(`/check-email?email=${encodeURIComponent(email.trim())}`) },
    );
  };

  return (
    <section className="page narrow">
      <title>{t('common.pageTitle', { title: t('auth.signUp.title') })}</title>
      <h1>{t('auth.signUp.title')}</h1>
      <form onSubmit={submit} noValidate className="stack">
        {server && server.status !== 422 && <ErrorMessage error={server} />}
        <Field
          label={t('common.name')}
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fe.name}
        />
        <Field
          label={t('common.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fe.email}
        />
        <NewPasswordInput value={password} onChange={setPassword} error={fe.password} />
        <fieldset className="field">
          <legend>{t('auth.signUp.iWantTo')}</legend>
          <label className="radio">
            <input
              type="radio"
              name="role"
              value="attendee"
              checked={role === 'attendee'}
              onChange={() => setRole('attendee')}
            />{' '}
            {t('auth.signUp.attend')}
          </label>
          <label className="radio">
            <input
              type="radio"
              name="role"
              value="organizer"
              checked={role === 'organizer'}
              onChange={() => setRole('organizer')}
            />{' '}
            {t('auth.signUp.organize')}
          </label>
          {fe.role && <div className="field-error">{fe.role}</div>}
        </fieldset>
        {server?.status === 422 && Object.keys(fe).length === 0 && <ErrorMessage error={server} />}
        <button type="submit" className="btn btn-primary" disabled={signUp.isPending}>
          {signUp.isPending ? t('auth.signUp.submitting') : t('auth.signUp.submit')}
        </button>
      </form>
      <p>
        <Trans i18nKey="auth.signUp.haveAccount" components={[<Link key="l" to="/sign-in" />]} />
      </p>
    </section>
  );
}
