// The door scanner, phone first: camera scanning (jsQR) with typed entry as a
// fallback, a full-screen green or red answer with the attendee's name, sound and
// vibration, a live count, the gate kept on the device, and offline scanning against the
// stored bundle with a queue that syncs when the network returns. The last admission can be
// undone here when the caller may (the organizer, or a door token the organizer allowed:
// the bundle's `can_undo`).
import i18n from '@/i18n';
import { Trans, useTranslation } from 'react-i18next';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { isApiError } from '@/lib/api';
import { deviceId, doorToken, fetchBundle, scanCode, syncScans, undoCheckin } from './api';
import { decideOffline, headline, type Outcome } from './decide';
import { signal } from './feedback';
import { dropQueued, loadBundle, mergeBundle, queueScan, queued, saveBundle, type StoredBundle } from './offline';
import { CameraView } from './CameraView';
import { formatDateTime, formatNumber, formatTimeOfDay } from '@/lib/format';

interface Shown {
  result: Outcome;
  name?: string;
  type?: string;
  detail?: string;
  offline?: boolean;
}

const SHOW_MS = 2000;
// A code the camera still sees after its answer closed is not answered again for this long:
// a phone held over one ticket does not flash red every two seconds, and the buttons under
// the answer stay reachable. Another code, or the typed entry, is answered at once.
const REPEAT_MS = 3000;

interface Admitted {
  ticketId: string;
  name: string;
}

// Registers the service worker and hands it the files this page was built from (the lazy
// chunks are not in index.html), so the scanner opens again without a network.
function keepAppOffline() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => {
      const files = performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => u.startsWith(window.location.origin) && !u.includes('/api/'));
      reg.active?.postMessage({ keep: ['/', ...files] });
    })
    .catch(() => undefined);
}

// What the door sees when the server refuses: an expired or revoked door token says so.
function problemText(e: unknown, token: string | null, fallback: string): string {
  if (!isApiError(e)) return fallback;
  if (e.status === 401 && token) return i18n.t('checkin.scanner.tokenDead');
  return e.detail;
}

function detailOf(result: Outcome, checkedInAt?: string | null, gate?: string | null): string | undefined {
  if (result !== 'already_checked_in' || !checkedInAt) return undefined;
  const at = formatTimeOfDay(checkedInAt);
  return gate ? i18n.t('checkin.scanner.atGate', { at, gate }) : i18n.t('checkin.scanner.at', { at });
}

export function ScannerPage() {
  const { t } = useTranslation();
  const { eventId = '' } = useParams();
  const [token] = useState(() => doorToken(eventId, window.location.hash));
  const [gate, setGate] = useState(() => localStorage.getItem('admit-gate') ?? '');
  const [shown, setShown] = useState<Shown | null>(null);
  const [bundle, setBundle] = useState<StoredBundle | null>(null);
  const [waiting, setWaiting] = useState(0);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [notice, setNotice] = useState('');
  const [typed, setTyped] = useState('');
  // The camera can be paused (battery, or typing codes); the choice stays on the device.
  const [camera, setCamera] = useState(() => localStorage.getItem('admit-camera') !== 'off');
  const [noCamera, setNoCamera] = useState(false);
  // The last ticket admitted online, which may be undone (until the next admission).
  const [last, setLast] = useState<Admitted | null>(null);
  const [undoing, setUndoing] = useState(false);
  const busy = useRef(false);
  // The code the camera answered last and until when it is not answered again.
  const quiet = useRef<{ qr: string; until: number } | null>(null);
  const device = useRef(deviceId());

  // The token leaves the address bar once kept on the device.
  useEffect(() => {
    if (window.location.hash.includes('token=')) history.replaceState(null, '', window.location.pathname);
  }, []);

  const refreshBundle = useCallback(async () => {
    try {
      const stored = await loadBundle(eventId);
      const fresh = await fetchBundle(eventId, token, stored?.version);
      setBundle(await mergeBundle(eventId, fresh));
    } catch (e) {
      const stored = await loadBundle(eventId).catch(() => undefined);
      if (stored) setBundle(stored);
      if (isApiError(e) && e.status !== 0) setNotice(problemText(e, token, e.detail));
    }
  }, [eventId, token]);

  const countWaiting = useCallback(async () => setWaiting((await queued(eventId)).length), [eventId]);

  const sync = useCallback(async () => {
    const scans = await queued(eventId);
    if (scans.length === 0) return;
    try {
      const out = await syncScans(eventId, token, scans.map(({ qr, scanned_at, gate, device }) => ({ qr, scanned_at, gate, device })));
      await dropQueued(scans.map((s) => s.id!));
      const conflicts = out.results.filter((r) => r.result !== 'ok').length;
      setNotice(
        conflicts
          ? t('checkin.scanner.syncedConflicts', { count: scans.length, conflicts })
          : t('checkin.scanner.synced', { count: scans.length }),
      );
      await countWaiting();
      await refreshBundle();
    } catch {
      /* still offline: try again later */
    }
  }, [eventId, token, countWaiting, refreshBundle]);

  useEffect(() => {
    void refreshBundle();
    void countWaiting();
    const goOnline = () => {
      setOnline(true);
      void sync();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    const timer = window.setInterval(() => {
      if (navigator.onLine) {
        void sync();
        void refreshBundle();
      }
    }, 15000);
    keepAppOffline();
    return () => {
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
      window.clearInterval(timer);
    };
  }, [refreshBundle, countWaiting, sync]);

  const show = useCallback((s: Shown) => {
    setShown(s);
    signal(s.result === 'ok');
    window.setTimeout(() => {
      setShown(null);
      busy.current = false;
    }, SHOW_MS);
  }, []);

  const scanOffline = useCallback(
    async (qr: string) => {
      const stored = bundle ?? (await loadBundle(eventId));
      if (!stored) {
        busy.current = false;
        setNotice(t('checkin.scanner.noBundle'));
        return;
      }
      const d = await decideOffline(qr, eventId, stored);
      if (d.result === 'ok' && d.ticketId) {
        const now = new Date().toISOString();
        await queueScan({ event_id: eventId, qr, scanned_at: now, gate, device: device.current });
        const t = stored.tickets[d.ticketId];
        const next = { ...stored, checked_in: stored.checked_in + 1, tickets: { ...stored.tickets, [t.id]: { ...t, status: 'checked_in' as const, checked_in_at: now } } };
        await saveBundle(eventId, next);
        setBundle(next);
        await countWaiting();
      }
      show({ result: d.result, name: d.name, type: d.type, detail: detailOf(d.result, d.checkedInAt), offline: true });
    },
    [bundle, eventId, gate, show, countWaiting],
  );

  const handle = useCallback(
    async (text: string) => {
      const qr = text.trim();
      if (!qr || busy.current) return;
      busy.current = true;
      if (!navigator.onLine) {
        setOnline(false);
        await scanOffline(qr);
        return;
      }
      try {
        const r = await scanCode(eventId, token, { qr, gate: gate || undefined, device: device.current });
        if (r.result === 'ok' && r.ticket) setLast({ ticketId: r.ticket.id, name: r.ticket.attendee_name });
        if (r.ticket) {
          // The stored list learns the answer, so an offline rescan of this ticket is refused.
          const t = r.ticket;
          setBundle((b) => {
            if (!b) return b;
            const next = {
              ...b,
              checked_in: b.checked_in + (r.result === 'ok' ? 1 : 0),
              tickets: { ...b.tickets, [t.id]: { id: t.id, status: t.status, attendee_name: t.attendee_name, ticket_type: t.ticket_type, checked_in_at: r.checked_in_at } },
            };
            void saveBundle(eventId, next);
            return next;
          });
        }
        show({ result: r.result as Outcome, name: r.ticket?.attendee_name, type: r.ticket?.ticket_type, detail: detailOf(r.result as Outcome, r.checked_in_at, r.gate) });
      } catch (e) {
        if (isApiError(e) && e.status === 0) {
          setOnline(false);
          await scanOffline(qr);
          return;
        }
        busy.current = false;
        setNotice(problemText(e, token, t('checkin.scanner.failed')));
      }
    },
    [eventId, token, gate, show, scanOffline],
  );

  const undoLast = useCallback(async () => {
    if (!last || undoing) return;
    setUndoing(true);
    try {
      const r = await undoCheckin(eventId, token, last.ticketId, gate || undefined);
      const tk = r.ticket;
      if (tk) {
        setBundle((b) => {
          if (!b) return b;
          const next = {
            ...b,
            checked_in: Math.max(0, b.checked_in - 1),
            tickets: { ...b.tickets, [tk.id]: { id: tk.id, status: tk.status, attendee_name: tk.attendee_name, ticket_type: tk.ticket_type, checked_in_at: null } },
          };
          void saveBundle(eventId, next);
          return next;
        });
      }
      setNotice(t('checkin.scanner.undone', { name: last.name }));
      setLast(null);
      quiet.current = null;
    } catch (e) {
      setNotice(problemText(e, token, t('checkin.scanner.undoFailed')));
    } finally {
      setUndoing(false);
    }
  }, [last, undoing, eventId, token, gate, t]);

  const fromCamera = useCallback(
    (text: string) => {
      const qr = text.trim();
      const now = Date.now();
      if (busy.current) return;
      if (quiet.current && quiet.current.qr === qr && now < quiet.current.until) return;
      quiet.current = { qr, until: now + SHOW_MS + REPEAT_MS };
      void handle(qr);
    },
    [handle],
  );

  const submitTyped = (e: FormEvent) => {
    e.preventDefault();
    void handle(typed);
    setTyped('');
  };

  const ok = shown?.result === 'ok';
  return (
    <main className="scanner" aria-label={t('checkin.scanner.label')}>
      {bundle?.event && (
        <h1 className="scanner-title">
          {bundle.event.title} <span>{formatDateTime(bundle.event.starts_at, bundle.event.timezone)}</span>
        </h1>
      )}
      <header className="scanner-bar">
        <label className="scanner-gate">
          <span>{t('checkin.scanner.gate')}</span>
          <input
            value={gate}
            maxLength={100}
            placeholder={t('checkin.scanner.gatePlaceholder')}
            onChange={(e) => {
              setGate(e.target.value);
              localStorage.setItem('admit-gate', e.target.value);
            }}
          />
        </label>
        <p className="scanner-count" aria-live="polite">
          <Trans
            i18nKey="checkin.scanner.count"
            values={{ inside: bundle ? formatNumber(bundle.checked_in) : '–', sold: bundle ? formatNumber(bundle.sold) : '–' }}
            components={[<strong key="n" data-testid="checked-in" />]}
          />
        </p>
      </header>
      <p className={`scanner-status ${online ? 'is-online' : 'is-offline'}`} role="status" data-testid="scanner-status">
        {online ? t('checkin.scanner.online') : t('checkin.scanner.offline')}
        {waiting > 0 && t('checkin.scanner.waiting', { count: waiting })}
      </p>
      {notice && (
        <p className="scanner-notice" role="status">
          {notice}
        </p>
      )}
      {last && bundle?.can_undo && online && (
        <div className="scanner-last" data-testid="scanner-last">
          <span>
            <Trans i18nKey="checkin.scanner.admitted" values={{ name: last.name }} components={[<strong key="n" />]} />
          </span>
          <button type="button" className="btn btn-secondary btn-small" disabled={undoing} onClick={() => void undoLast()}>
            {t('checkin.scanner.undo')}
          </button>
        </div>
      )}
      {camera && !noCamera ? (
        <CameraView onCode={fromCamera} onUnavailable={() => setNoCamera(true)} />
      ) : (
        <p className="scanner-nocam">{noCamera ? t('checkin.scanner.noCamera') : t('checkin.scanner.paused')}</p>
      )}
      {!noCamera && (
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            localStorage.setItem('admit-camera', camera ? 'off' : 'on');
            setCamera(!camera);
          }}
        >
          {camera ? t('checkin.scanner.pause') : t('checkin.scanner.start')}
        </button>
      )}
      <form className="scanner-typed" onSubmit={submitTyped}>
        <label htmlFor="typed-code">{t('checkin.scanner.code')}</label>
        <div className="scanner-typed-row">
          <input id="typed-code" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
          <button type="submit" className="btn">
            {t('checkin.scanner.check')}
          </button>
        </div>
      </form>
      {shown && (
        <div
          className={`scanner-answer ${ok ? 'is-ok' : 'is-refused'}`}
          role="alert"
          data-testid="scan-answer"
          data-result={shown.result}
          onClick={() => {
            setShown(null);
            busy.current = false;
          }}
        >
          <p className="scanner-answer-mark" aria-hidden="true">
            {ok ? '✓' : '✕'}
          </p>
          <p className="scanner-answer-title">{headline(shown.result)}</p>
          {shown.name && <p className="scanner-answer-name">{shown.name}</p>}
          {shown.type && <p className="scanner-answer-type">{shown.type}</p>}
          {shown.detail && <p className="scanner-answer-detail">{shown.detail}</p>}
          {shown.offline && <p className="scanner-answer-detail">{t('checkin.scanner.offlineAnswer')}</p>}
        </div>
      )}
    </main>
  );
}
