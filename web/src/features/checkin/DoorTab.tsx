// The organizer's door: open the scanner here, make door tokens (limited to this event's
// check-in, named, with an expiry the organizer picks) shown as a QR code the door staff's
// phone picks up, decide whether door staff may undo a check-in, and follow the scans as
// they come in (undoing one made by mistake).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError, type Event } from '@/lib/api';
import { formatDateTime, utcToZonedInput } from '@/lib/dates';
import { useCreateToken, useRevokeToken, useTokens } from '@/features/account/api';
import { useOrganizerEventContext } from '@/features/organizer/OrganizerPages';
import { useUpdateEvent } from '@/features/organizer/api';
import { TicketQr } from '@/features/registrations/TicketsPage';
import { useCheckinLog, useUndoCheckin } from './api';
import { describeExpiry, expiryFor, isExpired, type ExpiryChoice } from './expiry';

function DoorTokens({ event }: { event: Event }) {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [choice, setChoice] = useState<ExpiryChoice>('event_end');
  const [custom, setCustom] = useState(() => utcToZonedInput(event.ends_at, event.timezone));
  const [problem, setProblem] = useState('');
  const [link, setLink] = useState<{ name: string; url: string; expires: string | null } | null>(null);
  const doors = (tokens.data ?? []).filter((t) => t.event_id === event.id);
  const serverField = isApiError(create.error) ? create.error.fieldErrors().expires_at : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const expiry = expiryFor(choice, custom, event);
    if (!expiry.ok) {
      setProblem(expiry.problem);
      return;
    }
    setProblem('');
    create.mutate(
      { name: name.trim() || 'Door', event_id: event.id, expires_at: expiry.expiresAt },
      {
        onSuccess: (made) => {
          setLink({
            name: made.name,
            url: `${window.location.origin}/scan/${event.id}#token=${encodeURIComponent(made.token)}`,
            expires: made.expires_at ?? null,
          });
          setName('');
        },
      },
    );
  };

  return (
    <section aria-labelledby="door-tokens-h">
      <h3 id="door-tokens-h">Door tokens</h3>
      <p className="hint">
        A door token can only scan tickets of this event (and load its ticket list for offline scanning). Scan its QR
        code with the door phone&apos;s camera to open the scanner there. It stops working when it expires or when you
        revoke it.
      </p>
      <form onSubmit={submit} className="inline-form door-form">
        <div className="field">
          <label htmlFor="door-name">Name</label>
          <input id="door-name" value={name} maxLength={100} placeholder="North entrance" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="door-expiry">Expires</label>
          <select id="door-expiry" value={choice} onChange={(e) => setChoice(e.target.value as ExpiryChoice)}>
            <option value="event_end">When the event ends</option>
            <option value="custom">At a date and time…</option>
            <option value="none">Never (until revoked)</option>
          </select>
        </div>
        {choice === 'custom' && (
          <div className="field">
            <label htmlFor="door-expires-at">Date and time ({event.timezone})</label>
            <input id="door-expires-at" type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} />
          </div>
        )}
        <div className="field field-button">
          <button type="submit" className="btn" disabled={create.isPending}>
            Create door token
          </button>
        </div>
      </form>
      {(problem || serverField) && (
        <p className="field-error" role="alert">
          {problem || `Expiry: ${serverField}`}
        </p>
      )}
      {!serverField && <ErrorMessage error={create.error ?? revoke.error} showFields />}
      {link && (
        <div className="door-link">
          <TicketQr text={link.url} label={`QR code opening the scanner with the door token ${link.name}`} />
          <p className="hint">
            Shown once. Anyone with this code can check tickets in at this event
            {link.expires ? ` until ${formatDateTime(link.expires, event.timezone)}` : ''} unless you revoke it.
          </p>
        </div>
      )}
      {doors.length > 0 && (
        <ul className="door-list" aria-label="Door tokens of this event">
          {doors.map((t) => (
            <li key={t.id} className={isExpired(t.expires_at) ? 'is-expired' : undefined}>
              <span className="door-list-name">{t.name}</span>
              <span className="hint">{describeExpiry(t.expires_at, event.timezone)}</span>
              <span className="hint">{t.last_used_at ? `last used ${new Date(t.last_used_at).toLocaleString()}` : 'never used'}</span>
              <ConfirmButton question={`Revoke “${t.name}”?`} confirmLabel="Revoke" busy={revoke.isPending} onConfirm={() => revoke.mutate(t.id)}>
                Revoke
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function UndoSetting({ event }: { event: Event }) {
  const update = useUpdateEvent(event.id);
  return (
    <section aria-labelledby="door-undo-h">
      <h3 id="door-undo-h">Undoing check-ins</h3>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={event.door_staff_can_undo}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ door_staff_can_undo: e.target.checked })}
        />{' '}
        Door staff may undo a check-in
      </label>
      <p className="hint">
        When on, the scanner opened with a door token shows an Undo button after admitting someone. You can always undo
        from the scan list below.
      </p>
      <ErrorMessage error={update.error} showFields />
    </section>
  );
}

// The scan list's words: the organizer reads a record, not the door's greeting.
const RESULT_LABEL: Record<string, string> = {
  ok: 'Admitted',
  already_checked_in: 'Already checked in',
  invalid: 'Not a valid ticket',
  wrong_event: 'Ticket for another event',
  cancelled: 'Ticket cancelled',
  not_paid: 'Not paid',
  undone: 'Check-in undone',
};

// "27 Nov, 18:02:31" in the event's zone: short enough for a phone's table.
function scanTime(iso: string, tz: string): string {
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' };
  try {
    return new Intl.DateTimeFormat(undefined, { ...opts, timeZone: tz }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, opts).format(new Date(iso));
  }
}

function ScanList({ event }: { event: Event }) {
  const log = useCheckinLog(event.id);
  const undo = useUndoCheckin(event.id);
  const items = log.data?.items ?? [];
  return (
    <section aria-labelledby="door-scans-h">
      <h3 id="door-scans-h">Recent scans</h3>
      <p className="hint">Times in the event&apos;s zone ({event.timezone}); the list refreshes by itself.</p>
      {log.isError && <ErrorMessage error={log.error} />}
      {items.length === 0 ? (
        <p className="empty">{log.isPending ? 'Loading…' : 'No scans yet.'}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Result</th>
                <th scope="col">Name, gate</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-result={s.result}>
                  <td className="nowrap">
                    {scanTime(s.scanned_at, event.timezone)}
                    {s.offline ? ' (offline)' : ''}
                  </td>
                  <td>{RESULT_LABEL[s.result] ?? s.result}</td>
                  <td>
                    {s.attendee_name ?? '—'}
                    {s.gate && <span className="hint scan-gate">{s.gate}</span>}
                  </td>
                  <td>
                    {s.result === 'ok' && s.ticket_id && (
                      <ConfirmButton
                        question={`Undo the check-in of ${s.attendee_name ?? 'this ticket'}?`}
                        confirmLabel="Undo"
                        busy={undo.isPending}
                        onConfirm={() => undo.mutate(s.ticket_id!)}
                      >
                        Undo
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={undo.error} />
    </section>
  );
}

export function DoorTab() {
  const { event } = useOrganizerEventContext();
  return (
    <div className="narrow-wide door-tab">
      <h2>Check-in at the door</h2>
      <p>
        <Link className="btn" to={`/scan/${event.id}`}>
          Open the scanner
        </Link>
      </p>
      <DoorTokens event={event} />
      <UndoSetting event={event} />
      <ScanList event={event} />
    </div>
  );
}
