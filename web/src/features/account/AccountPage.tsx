import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { ConfirmButton } from '@/components/ConfirmButton';
import { NewPasswordInput } from '@/components/PasswordInput';
import { isApiError, type User } from '@/lib/api';
import { useMe, hasRole } from '@/lib/auth';
import { passwordProblem } from '@/lib/password';
import {
  useCreateToken,
  useDeleteAccount,
  useRevokeToken,
  useSessions,
  useSignOutEverywhere,
  useTokens,
  useUpdateMe,
} from './api';

function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

function ProfileForm({ user }: { user: User }) {
  const update = useUpdateMe();
  const [name, setName] = useState(user.name);
  const [email, setEmail] = useState(user.email);
  const [current, setCurrent] = useState('');
  const emailChanged = email.trim().toLowerCase() !== user.email.toLowerCase();
  const fe = isApiError(update.error) ? update.error.fieldErrors() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: { name?: string; email?: string; current_password?: string } = {};
    if (name.trim() !== user.name) body.name = name.trim();
    if (emailChanged) {
      body.email = email.trim();
      body.current_password = current;
    }
    if (Object.keys(body).length === 0) return;
    update.mutate(body, { onSuccess: () => setCurrent('') });
  };

  return (
    <form onSubmit={submit} className="stack" aria-labelledby="profile-h">
      <h2 id="profile-h">Profile</h2>
      {update.isError && !Object.keys(fe).length && <ErrorMessage error={update.error} />}
      {update.isSuccess && (
        <p role="status" className="alert alert-ok">
          Saved.{update.data && update.data.email_verified === false ? ' Check your email to confirm the new address.' : ''}
        </p>
      )}
      <Field label="Name" name="name" autoComplete="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} error={fe.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fe.email}
        hint={user.email_verified === false ? 'Not confirmed yet.' : undefined} />
      {emailChanged && (
        <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required value={current}
          onChange={(e) => setCurrent(e.target.value)} error={fe.current_password} hint="Needed to change your email." />
      )}
      <div>
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          Save profile
        </button>
      </div>
    </form>
  );
}

function PasswordForm() {
  const update = useUpdateMe();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [clientError, setClientError] = useState<string>();
  const fe = isApiError(update.error) ? update.error.fieldErrors() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = passwordProblem(password);
    setClientError(p ?? undefined);
    if (p) return;
    update.mutate(
      { current_password: current, password },
      {
        onSuccess: () => {
          setCurrent('');
          setPassword('');
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate className="stack" aria-labelledby="password-h">
      <h2 id="password-h">Change password</h2>
      {update.isError && !fe.current_password && !fe.password && <ErrorMessage error={update.error} />}
      {update.isSuccess && (
        <p role="status" className="alert alert-ok">
          Password changed. Your other sessions were signed out.
        </p>
      )}
      <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required value={current}
        onChange={(e) => setCurrent(e.target.value)} error={fe.current_password} />
      <NewPasswordInput label="New password" value={password} onChange={setPassword} error={clientError ?? fe.password} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          Change password
        </button>
      </div>
    </form>
  );
}

function SessionsPanel() {
  const sessions = useSessions();
  const everywhere = useSignOutEverywhere();
  const navigate = useNavigate();
  return (
    <section className="stack" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Where you&apos;re signed in</h2>
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <ErrorMessage error={sessions.error} />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last active</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.user_agent || 'Unknown browser'}
                    {s.ip ? <span className="hint"> · {s.ip}</span> : null}
                    {s.current && <span className="badge badge-confirmed"> This device</span>}
                  </td>
                  <td className="nowrap">{when(s.created_at)}</td>
                  <td className="nowrap">{when(s.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={everywhere.error} />
      <div>
        <ConfirmButton
          question="Sign out on every device, this one too?"
          confirmLabel="Sign out everywhere"
          busy={everywhere.isPending}
          onConfirm={() => everywhere.mutate(undefined, { onSuccess: () => navigate('/sign-in') })}
        >
          Sign out everywhere
        </ConfirmButton>
      </div>
    </section>
  );
}

function TokensPanel({ organizer }: { organizer: boolean }) {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [eventId, setEventId] = useState('');
  const [copied, setCopied] = useState(false);
  const fe = isApiError(create.error) ? create.error.fieldErrors() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCopied(false);
    create.mutate(
      { name: name.trim(), ...(eventId.trim() ? { event_id: eventId.trim() } : {}) },
      {
        onSuccess: () => {
          setName('');
          setEventId('');
        },
      },
    );
  };

  return (
    <section className="stack" aria-labelledby="tokens-h">
      <h2 id="tokens-h">API tokens</h2>
      <p className="hint">For scripts and door scanners. A token acts as you; keep it secret.</p>
      {create.data && (
        <div className="alert alert-ok" role="status">
          <p>
            Token <strong>{create.data.name}</strong> created. Copy it now: it won&apos;t be shown again.
          </p>
          <p className="token-secret">
            <code>{create.data.token}</code>{' '}
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => {
                void navigator.clipboard?.writeText(create.data!.token).then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </p>
        </div>
      )}
      <form onSubmit={submit} className="inline-form">
        <Field label="Token name" name="token_name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} error={fe.name} />
        {organizer && (
          <Field label="Limit to event id (optional)" name="event_id" value={eventId} onChange={(e) => setEventId(e.target.value)}
            error={fe.event_id} hint="A scanner token that can only check in this event's tickets." />
        )}
        <div className="field field-button">
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
            Create token
          </button>
        </div>
      </form>
      {create.isError && !Object.keys(fe).length && <ErrorMessage error={create.error} />}
      {tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <ErrorMessage error={tokens.error} />
      ) : tokens.data.length === 0 ? (
        <p className="empty">No tokens.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.event_id ? <>Event <code>{t.event_id}</code></> : 'Everything you can do'}</td>
                  <td className="nowrap">{when(t.created_at)}</td>
                  <td className="nowrap">{when(t.last_used_at)}</td>
                  <td className="nowrap">
                    {t.expires_at ? (Date.parse(t.expires_at) <= Date.now() ? `Expired ${when(t.expires_at)}` : when(t.expires_at)) : 'Never'}
                  </td>
                  <td>
                    <ConfirmButton question={`Revoke “${t.name}”?`} confirmLabel="Revoke" busy={revoke.isPending} onConfirm={() => revoke.mutate(t.id)}>
                      Revoke
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={revoke.error} />
    </section>
  );
}

function DeleteAccount() {
  const del = useDeleteAccount();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  return (
    <section className="stack danger-zone" aria-labelledby="delete-h">
      <h2 id="delete-h">Delete account</h2>
      <p>
        This signs you out everywhere, cancels your upcoming registrations and erases your personal data. It
        can&apos;t be undone.
      </p>
      <ErrorMessage error={del.error} />
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === 'DELETE') del.mutate(undefined, { onSuccess: () => navigate('/') });
        }}
      >
        <Field label={<>Type <strong>DELETE</strong> to confirm</>} name="confirm_delete" value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
        <div className="field field-button">
          <button type="submit" className="btn btn-danger" disabled={typed !== 'DELETE' || del.isPending}>
            Delete my account
          </button>
        </div>
      </form>
    </section>
  );
}

export function AccountPage() {
  const me = useMe();
  if (!me.data) return <Loading />;
  const user = me.data;
  return (
    <section className="page narrow-wide account">
      <title>{'Your account · admit'}</title>
      <h1>Your account</h1>
      <p className="hint">
        Signed in as {user.email} · {user.roles.join(', ')}
      </p>
      <ProfileForm user={user} />
      <PasswordForm />
      <SessionsPanel />
      <TokensPanel organizer={hasRole(user, 'organizer')} />
      <DeleteAccount />
    </section>
  );
}
