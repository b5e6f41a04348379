import i18n from '@/i18n';
import { Trans, useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Field } from '@/components/Field';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { ConfirmButton } from '@/components/ConfirmButton';
import { NewPasswordInput } from '@/components/PasswordInput';
import { isApiError, type User } from '@/lib/api';
import { useMe, hasRole } from '@/lib/auth';
import { formatInstant, formatList } from '@/lib/format';
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
  return iso ? formatInstant(iso) : i18n.t('common.emptyValue');
}

function ProfileForm({ user }: { user: User }) {
  const { t } = useTranslation();
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
      <h2 id="profile-h">{t('account.profile')}</h2>
      {update.isError && !Object.keys(fe).length && <ErrorMessage error={update.error} />}
      {update.isSuccess && (
        <p role="status" className="alert alert-ok">
          {update.data && update.data.email_verified === false ? t('account.savedConfirmEmail') : t('account.saved')}
        </p>
      )}
      <Field label={t('common.name')} name="name" autoComplete="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} error={fe.name} />
      <Field label={t('common.email')} name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fe.email}
        hint={user.email_verified === false ? t('account.notConfirmed') : undefined} />
      {emailChanged && (
        <Field label={t('account.currentPassword')} name="current_password" type="password" autoComplete="current-password" required value={current}
          onChange={(e) => setCurrent(e.target.value)} error={fe.current_password} hint={t('account.neededForEmail')} />
      )}
      <div>
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {t('account.saveProfile')}
        </button>
      </div>
    </form>
  );
}

export function PasswordForm() {
  const { t } = useTranslation();
  const update = useUpdateMe();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const fe = isApiError(update.error) ? update.error.fieldErrors() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The server checks the new password's rules; its 422 names what is wrong.
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
      <h2 id="password-h">{t('account.changePassword')}</h2>
      {update.isError && !fe.current_password && !fe.password && <ErrorMessage error={update.error} />}
      {update.isSuccess && (
        <p role="status" className="alert alert-ok">
          {t('account.passwordChanged')}
        </p>
      )}
      <Field label={t('account.currentPassword')} name="current_password" type="password" autoComplete="current-password" required value={current}
        onChange={(e) => setCurrent(e.target.value)} error={fe.current_password} />
      <NewPasswordInput label={t('auth.reset.newPassword')} value={password} onChange={setPassword} error={fe.password} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {t('account.changePassword')}
        </button>
      </div>
    </form>
  );
}

function SessionsPanel() {
  const { t } = useTranslation();
  const sessions = useSessions();
  const everywhere = useSignOutEverywhere();
  const navigate = useNavigate();
  return (
    <section className="stack" aria-labelledby="sessions-h">
      <h2 id="sessions-h">{t('account.sessions')}</h2>
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <ErrorMessage error={sessions.error} />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('account.device')}</th>
                <th scope="col">{t('account.signedIn')}</th>
                <th scope="col">{t('account.lastActive')}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.user_agent || t('account.unknownBrowser')}
                    {s.ip ? <span className="hint">{t('account.ip', { ip: s.ip })}</span> : null}
                    {s.current && <span className="badge badge-confirmed"> {t('account.thisDevice')}</span>}
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
          question={t('account.everywhereQuestion')}
          confirmLabel={t('account.everywhere')}
          busy={everywhere.isPending}
          onConfirm={() => everywhere.mutate(undefined, { onSuccess: () => navigate('/sign-in') })}
        >
          {t('account.everywhere')}
        </ConfirmButton>
      </div>
    </section>
  );
}

function TokensPanel({ organizer }: { organizer: boolean }) {
  const { t } = useTranslation();
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
      <h2 id="tokens-h">{t('account.tokens')}</h2>
      <p className="hint">{t('account.tokensHint')}</p>
      {create.data && (
        <div className="alert alert-ok" role="status">
          <p>
            <Trans i18nKey="account.tokenCreated" values={{ name: create.data.name }} components={[<strong key="n" />]} />
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
              {copied ? t('account.copied') : t('account.copy')}
            </button>
          </p>
        </div>
      )}
      <form onSubmit={submit} className="inline-form">
        <Field label={t('account.tokenName')} name="token_name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} error={fe.name} />
        {organizer && (
          <Field label={t('account.tokenEvent')} name="event_id" value={eventId} onChange={(e) => setEventId(e.target.value)}
            error={fe.event_id} hint={t('account.tokenEventHint')} />
        )}
        <div className="field field-button">
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
            {t('account.createToken')}
          </button>
        </div>
      </form>
      {create.isError && !Object.keys(fe).length && <ErrorMessage error={create.error} />}
      {tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <ErrorMessage error={tokens.error} />
      ) : tokens.data.length === 0 ? (
        <p className="empty">{t('account.noTokens')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('account.scope')}</th>
                <th scope="col">{t('account.created')}</th>
                <th scope="col">{t('account.lastUsed')}</th>
                <th scope="col">{t('account.expires')}</th>
                <th scope="col"><span className="visually-hidden">{t('account.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((tk) => (
                <tr key={tk.id}>
                  <td>{tk.name}</td>
                  <td>
                    {tk.event_id ? (
                      <Trans i18nKey="account.scopeEvent" values={{ id: tk.event_id }} components={[<code key="c" />]} />
                    ) : (
                      t('account.scopeAll')
                    )}
                  </td>
                  <td className="nowrap">{when(tk.created_at)}</td>
                  <td className="nowrap">{when(tk.last_used_at)}</td>
                  <td className="nowrap">
                    {tk.expires_at
                      ? Date.parse(tk.expires_at) <= Date.now()
                        ? t('account.expired', { when: when(tk.expires_at) })
                        : when(tk.expires_at)
                      : t('account.never')}
                  </td>
                  <td>
                    <ConfirmButton question={t('account.revokeQuestion', { name: tk.name })} confirmLabel={t('account.revoke')} busy={revoke.isPending} onConfirm={() => revoke.mutate(tk.id)}>
                      {t('account.revoke')}
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
  const { t } = useTranslation();
  const del = useDeleteAccount();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  return (
    <section className="stack danger-zone" aria-labelledby="delete-h">
      <h2 id="delete-h">{t('account.delete')}</h2>
      <p>
        {t('account.deleteWarning')}
      </p>
      <ErrorMessage error={del.error} />
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === 'DELETE') del.mutate(undefined, { onSuccess: () => navigate('/') });
        }}
      >
        <Field label={<Trans i18nKey="account.deleteType" values={{ word: 'DELETE' }} components={[<strong key="w" />]} />} name="confirm_delete" value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
        <div className="field field-button">
          <button type="submit" className="btn btn-danger" disabled={typed !== 'DELETE' || del.isPending}>
            {t('account.deleteSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function AccountPage() {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.data) return <Loading />;
  const user = me.data;
  return (
    <section className="page narrow-wide account">
      <title>{t('common.pageTitle', { title: t('account.title') })}</title>
      <h1>{t('account.title')}</h1>
      <p className="hint">
        {t('account.signedInAs', { email: user.email, roles: formatList(user.roles.map((r) => t(`roles.${r}`))) })}
      </p>
      <ProfileForm user={user} />
      <PasswordForm />
      <SessionsPanel />
      <TokensPanel organizer={hasRole(user, 'organizer')} />
      <DeleteAccount />
    </section>
  );
}
