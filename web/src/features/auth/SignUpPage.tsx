import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage } from '@/components/ErrorMessage';
import { NewPasswordInput } from '@/components/PasswordInput';
import { isApiError } from '@/lib/api';
import { passwordProblem } from '@/lib/password';
import { useSignUp } from './api';

export function SignUpPage() {
  const navigate = useNavigate();
  const signUp = useSignUp();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'attendee' | 'organizer'>('attendee');
  const [clientError, setClientError] = useState<string | undefined>();

  const server = isApiError(signUp.error) ? signUp.error : null;
  const fe = server?.fieldErrors() ?? {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = passwordProblem(password);
    setClientError(problem ?? undefined);
    if (problem) return;
    signUp.mutate(
      { name: name.trim(), email: email.trim(), password, role },
      { onSuccess: () => navigate(`/check-email?email=${encodeURIComponent(email.trim())}`) },
    );
  };

  return (
    <section className="page narrow">
      <title>{'Create an account · admit'}</title>
      <h1>Create an account</h1>
      <form onSubmit={submit} noValidate className="stack">
        {server && server.status !== 422 && <ErrorMessage error={server} />}
        <Field
          label="Name"
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fe.name}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fe.email}
        />
        <NewPasswordInput value={password} onChange={setPassword} error={clientError ?? fe.password} />
        <fieldset className="field">
          <legend>I want to</legend>
          <label className="radio">
            <input
              type="radio"
              name="role"
              value="attendee"
              checked={role === 'attendee'}
              onChange={() => setRole('attendee')}
            />{' '}
            Attend events
          </label>
          <label className="radio">
            <input
              type="radio"
              name="role"
              value="organizer"
              checked={role === 'organizer'}
              onChange={() => setRole('organizer')}
            />{' '}
            Organize events
          </label>
          {fe.role && <div className="field-error">{fe.role}</div>}
        </fieldset>
        {server?.status === 422 && Object.keys(fe).length === 0 && <ErrorMessage error={server} />}
        <button type="submit" className="btn btn-primary" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}
