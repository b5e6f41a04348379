// The organizer's door: open the scanner here, or make a door token (limited to this
// event's check-in) and show it as a QR code the door staff's phone picks up.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '@/components/ErrorMessage';
import { useCreateToken, useRevokeToken, useTokens } from '@/features/account/api';
import { useOrganizerEventContext } from '@/features/organizer/OrganizerPages';
import { TicketQr } from '@/features/registrations/TicketsPage';

export function DoorTab() {
  const { event } = useOrganizerEventContext();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [link, setLink] = useState<{ name: string; url: string } | null>(null);
  const doors = (tokens.data ?? []).filter((t) => t.event_id === event.id);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name: name.trim() || 'Door', event_id: event.id },
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
      <h2>Check-in at the door</h2>
      <p>
        <Link className="btn" to={`/scan/${event.id}`}>
          Open the scanner
        </Link>
      </p>
      <h3>Door tokens</h3>
      <p className="hint">
        A door token can only scan tickets of this event (and load its ticket list for offline scanning). Scan its QR
        code with the door phone's camera to open the scanner there; revoke it after the event.
      </p>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="door-name">Name</label>
        <input id="door-name" value={name} maxLength={100} placeholder="North entrance" onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="btn" disabled={create.isPending}>
          Create door token
        </button>
      </form>
      <ErrorMessage error={create.error ?? revoke.error} showFields />
      {link && (
        <div className="door-link">
          <TicketQr text={link.url} label={`QR code opening the scanner with the door token ${link.name}`} />
          <p className="hint">Shown once. Anyone with this code can check tickets in at this event until you revoke it.</p>
        </div>
      )}
      {doors.length > 0 && (
        <ul className="door-list">
          {doors.map((t) => (
            <li key={t.id}>
              <span>{t.name}</span>
              <span className="hint">{t.last_used_at ? `last used ${new Date(t.last_used_at).toLocaleString()}` : 'never used'}</span>
              <button type="button" className="btn btn-secondary btn-small" onClick={() => revoke.mutate(t.id)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
