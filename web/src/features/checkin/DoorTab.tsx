// The organizer's door: open the scanner here, or make a door token (limited to this
// event's check-in) and show it as a QR code the door staff's phone picks up.
import { useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { useCreateToken, useRevokeToken, useTokens } from '@/features/account/api';
import { useOrganizerEventContext } from '@/features/organizer/OrganizerPages';
import { TicketQr } from '@/features/registrations/TicketsPage';
import { formatInstant } from '@/lib/format';

export function DoorTab() {
  const { t } = useTranslation();
  const { event } = useOrganizerEventContext();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [link, setLink] = useState<{ name: string; url: string } | null>(null);
  const doors = (tokens.data ?? []).filter((tk) => tk.event_id === event.id);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name: name.trim() || t('checkin.door.defaultName'), event_id: event.id },
      {
        onSuccess: (made) => {
          setLink({ name: made.name, url: `${window.location.origin}/scan/${event.id}#token=${encodeURIComponent(made.token)}` });
          setName('');
        },
      },
    );
  };

  return (
    <div className="narrow-wide door-tab">
      <h2>{t('checkin.door.title')}</h2>
      <p>
        <Link className="btn" to={`/scan/${event.id}`}>
          {t('checkin.door.open')}
        </Link>
      </p>
      <h3>{t('checkin.door.tokens')}</h3>
      <p className="hint">
        {t('checkin.door.hint')}
      </p>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="door-name">{t('checkin.door.name')}</label>
        <input id="door-name" value={name} maxLength={100} placeholder={t('checkin.door.namePlaceholder')} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="btn" disabled={create.isPending}>
          {t('checkin.door.create')}
        </button>
      </form>
      <ErrorMessage error={create.error ?? revoke.error} showFields />
      {link && (
        <div className="door-link">
          <TicketQr text={link.url} label={t('checkin.door.qrLabel', { name: link.name })} />
          <p className="hint">{t('checkin.door.shownOnce')}</p>
        </div>
      )}
      {doors.length > 0 && (
        <ul className="door-list">
          {doors.map((tk) => (
            <li key={tk.id}>
              <span>{tk.name}</span>
              <span className="hint">
                {tk.last_used_at ? t('checkin.door.lastUsed', { when: formatInstant(tk.last_used_at) }) : t('checkin.door.neverUsed')}
              </span>
              <button type="button" className="btn btn-secondary btn-small" onClick={() => revoke.mutate(tk.id)}>
                {t('checkin.door.revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
