// The organizer's door: open the scanner here, make door tokens (limited to this event's
// check-in, named, with an expiry the organizer picks) shown as a QR code the door staff's
// phone picks up, decide whether door staff may undo a check-in, and follow the scans as
// they come in (undoing one made by mistake).
import { useTranslation } from 'react-i18next';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage } from '@/components/ErrorMessage';
import { isApiError, type Event } from '@/lib/api';
import { utcToZonedInput } from '@/lib/dates';
import { formatDateTime, formatInstant, formatScanTime } from '@/lib/format';
import { useCreateToken, useRevokeToken, useTokens } from '@/features/account/api';
import { useOrganizerEventContext } from '@/features/organizer/OrganizerPages';
import { useUpdateEvent } from '@/features/organizer/api';
import { TicketQr } from '@/features/registrations/TicketsPage';
import { useCheckinLog, useUndoCheckin } from './api';
import { describeExpiry, expiryFor, isExpired, type ExpiryChoice } from './expiry';

function DoorTokens({ event }: { event: Event }) {
  const { t } = useTranslation();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [choice, setChoice] = useState<ExpiryChoice>('event_end');
  const [custom, setCustom] = useState(() => utcToZonedInput(event.ends_at, event.timezone));
  const [problem, setProblem] = useState('');
  const [link, setLink] = useState<{ name: string; url: string; expires: string | null } | null>(null);
  const doors = (tokens.data ?? []).filter((tk) => tk.event_id === event.id);
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
      { name: name.trim() || t('checkin.door.defaultName'), event_id: event.id, expires_at: expiry.expiresAt },
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
      <h3 id="door-tokens-h">{t('checkin.door.tokens')}</h3>
      <p className="hint">{t('checkin.door.hint')}</p>
      <form onSubmit={submit} className="inline-form door-form">
        <div className="field">
          <label htmlFor="door-name">{t('checkin.door.name')}</label>
          <input id="door-name" value={name} maxLength={100} placeholder={t('checkin.door.namePlaceholder')} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="door-expiry">{t('checkin.door.expires')}</label>
          <select id="door-expiry" value={choice} onChange={(e) => setChoice(e.target.value as ExpiryChoice)}>
            <option value="event_end">{t('checkin.door.expiryEventEnd')}</option>
            <option value="custom">{t('checkin.door.expiryCustom')}</option>
            <option value="none">{t('checkin.door.expiryNone')}</option>
          </select>
        </div>
        {choice === 'custom' && (
          <div className="field">
            <label htmlFor="door-expires-at">{t('checkin.door.expiresAt', { zone: event.timezone })}</label>
            <input id="door-expires-at" type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} />
          </div>
        )}
        <div className="field field-button">
          <button type="submit" className="btn" disabled={create.isPending}>
            {t('checkin.door.create')}
          </button>
        </div>
      </form>
      {(problem || serverField) && (
        <p className="field-error" role="alert">
          {problem || t('checkin.door.expiryProblem', { problem: serverField })}
        </p>
      )}
      {!serverField && <ErrorMessage error={create.error ?? revoke.error} showFields />}
      {link && (
        <div className="door-link">
          <TicketQr text={link.url} label={t('checkin.door.qrLabel', { name: link.name })} />
          <p className="hint">
            {link.expires
              ? t('checkin.door.shownOnceUntil', { until: formatDateTime(link.expires, event.timezone) })
              : t('checkin.door.shownOnce')}
          </p>
        </div>
      )}
      {doors.length > 0 && (
        <ul className="door-list" aria-label={t('checkin.door.listLabel')}>
          {doors.map((tk) => (
            <li key={tk.id} className={isExpired(tk.expires_at) ? 'is-expired' : undefined}>
              <span className="door-list-name">{tk.name}</span>
              <span className="hint">{describeExpiry(tk.expires_at, event.timezone)}</span>
              <span className="hint">
                {tk.last_used_at ? t('checkin.door.lastUsed', { when: formatInstant(tk.last_used_at) }) : t('checkin.door.neverUsed')}
              </span>
              <ConfirmButton
                question={t('checkin.door.revokeQuestion', { name: tk.name })}
                confirmLabel={t('checkin.door.revoke')}
                busy={revoke.isPending}
                onConfirm={() => revoke.mutate(tk.id)}
              >
                {t('checkin.door.revoke')}
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function UndoSetting({ event }: { event: Event }) {
  const { t } = useTranslation();
  const update = useUpdateEvent(event.id);
  return (
    <section aria-labelledby="door-undo-h">
      <h3 id="door-undo-h">{t('checkin.door.undoTitle')}</h3>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={event.door_staff_can_undo}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ door_staff_can_undo: e.target.checked })}
        />{' '}
        {t('checkin.door.undoAllowed')}
      </label>
      <p className="hint">{t('checkin.door.undoHint')}</p>
      <ErrorMessage error={update.error} showFields />
    </section>
  );
}

// The scan list's words (checkin.result.*): the organizer reads a record, not the door's greeting.
const RESULT_KEY = {
  ok: 'checkin.result.ok',
  already_checked_in: 'checkin.result.already_checked_in',
  invalid: 'checkin.result.invalid',
  wrong_event: 'checkin.result.wrong_event',
  cancelled: 'checkin.result.cancelled',
  not_paid: 'checkin.result.not_paid',
  undone: 'checkin.result.undone',
} as const;

function ScanList({ event }: { event: Event }) {
  const { t } = useTranslation();
  const log = useCheckinLog(event.id);
  const undo = useUndoCheckin(event.id);
  const items = log.data?.items ?? [];
  return (
    <section aria-labelledby="door-scans-h">
      <h3 id="door-scans-h">{t('checkin.scans.title')}</h3>
      <p className="hint">{t('checkin.scans.hint', { zone: event.timezone })}</p>
      {log.isError && <ErrorMessage error={log.error} />}
      {items.length === 0 ? (
        <p className="empty">{log.isPending ? t('common.loading') : t('checkin.scans.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('checkin.scans.time')}</th>
                <th scope="col">{t('checkin.scans.result')}</th>
                <th scope="col">{t('checkin.scans.nameGate')}</th>
                <th scope="col"><span className="visually-hidden">{t('checkin.scans.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-result={s.result}>
                  <td className="nowrap">
                    {s.offline
                      ? t('checkin.scans.offlineAt', { at: formatScanTime(s.scanned_at, event.timezone) })
                      : formatScanTime(s.scanned_at, event.timezone)}
                  </td>
                  <td>{t(RESULT_KEY[s.result])}</td>
                  <td>
                    {s.attendee_name ?? t('checkin.scans.noName')}
                    {s.gate && <span className="hint scan-gate">{s.gate}</span>}
                  </td>
                  <td>
                    {s.result === 'ok' && s.ticket_id && (
                      <ConfirmButton
                        question={
                          s.attendee_name
                            ? t('checkin.scans.undoQuestion', { name: s.attendee_name })
                            : t('checkin.scans.undoQuestionTicket')
                        }
                        confirmLabel={t('checkin.scans.undo')}
                        busy={undo.isPending}
                        onConfirm={() => undo.mutate(s.ticket_id!)}
                      >
                        {t('checkin.scans.undo')}
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
  const { t } = useTranslation();
  const { event } = useOrganizerEventContext();
  return (
    <div className="narrow-wide door-tab">
      <h2>{t('checkin.door.title')}</h2>
      <p>
        <Link className="btn" to={`/scan/${event.id}`}>
          {t('checkin.door.open')}
        </Link>
      </p>
      <DoorTokens event={event} />
      <UndoSetting event={event} />
      <ScanList event={event} />
    </div>
  );
}
