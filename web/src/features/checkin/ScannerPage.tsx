// The door scanner, phone first: camera scanning (@zxing/browser) with typed entry as a
// fallback, a full-screen green or red answer with the attendee's name, sound and
// vibration, a live count, the gate kept on the device, and offline scanning against the
// stored bundle with a queue that syncs when the network returns. The last admission can be
// undone here when the caller may (the organizer, or a door token the organizer allowed:
// the bundle's `can_undo`).
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { isApiError } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';
import { deviceId, doorToken, fetchBundle, scanCode, syncScans, undoCheckin } from './api';
import { decideOffline, headline, type Outcome } from './decide';
import { signal } from './feedback';
import { dropQueued, loadBundle, mergeBundle, queueScan, queued, saveBundle, type StoredBundle } from './offline';
import { CameraView } from './CameraView';

interface Shown {
  result: Outcome;
  name?: string;
  type?: string;
  detail?: string;
  offline?: boolean;
}

const SHOW_MS = 2000;

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
  if (e.status === 401 && token) return 'This door token no longer works (it expired or was revoked): ask the organizer for a new one.';
  return e.detail;
}

function detailOf(result: Outcome, checkedInAt?: string | null, gate?: string | null): string | undefined {
  if (result !== 'already_checked_in' || !checkedInAt) return undefined;
  const at = new Date(checkedInAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return gate ? `at ${at}, ${gate}` : `at ${at}`;
}

export function ScannerPage() {
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
      setNotice(`Synced ${scans.length} offline scan${scans.length === 1 ? '' : 's'}${conflicts ? `, ${conflicts} not admitted (see the scan list)` : ''}.`);
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
        setNotice('Offline and no ticket list on this device yet: connect once to load it.');
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
        setNotice(problemText(e, token, 'The scan failed; try again.'));
      }
    },
    [eventId, token, gate, show, scanOffline],
  );

  const undoLast = useCallback(async () => {
    if (!last || undoing) return;
    setUndoing(true);
    try {
      const r = await undoCheckin(eventId, token, last.ticketId, gate || undefined);
      const t = r.ticket;
      if (t) {
        setBundle((b) => {
          if (!b) return b;
          const next = {
            ...b,
            checked_in: Math.max(0, b.checked_in - 1),
            tickets: { ...b.tickets, [t.id]: { id: t.id, status: t.status, attendee_name: t.attendee_name, ticket_type: t.ticket_type, checked_in_at: null } },
          };
          void saveBundle(eventId, next);
          return next;
        });
      }
      setNotice(`Check-in of ${last.name} undone: the ticket can be scanned again.`);
      setLast(null);
    } catch (e) {
      setNotice(problemText(e, token, 'The undo failed; try again.'));
    } finally {
      setUndoing(false);
    }
  }, [last, undoing, eventId, token, gate]);

  const submitTyped = (e: FormEvent) => {
    e.preventDefault();
    void handle(typed);
    setTyped('');
  };

  const ok = shown?.result === 'ok';
  return (
    <main className="scanner" aria-label="Ticket scanner">
      {bundle?.event && (
        <h1 className="scanner-title">
          {bundle.event.title} <span>{formatDateTime(bundle.event.starts_at, bundle.event.timezone)}</span>
        </h1>
      )}
      <header className="scanner-bar">
        <label className="scanner-gate">
          <span>Gate</span>
          <input
            value={gate}
            maxLength={100}
            placeholder="e.g. North"
            onChange={(e) => {
              setGate(e.target.value);
              localStorage.setItem('admit-gate', e.target.value);
            }}
          />
        </label>
        <p className="scanner-count" aria-live="polite">
          <strong data-testid="checked-in">{bundle?.checked_in ?? '–'}</strong> / {bundle?.sold ?? '–'} in
        </p>
      </header>
      <p className={`scanner-status ${online ? 'is-online' : 'is-offline'}`} role="status" data-testid="scanner-status">
        {online ? 'Online' : 'Offline'}
        {waiting > 0 && ` · ${waiting} scan${waiting === 1 ? '' : 's'} waiting to sync`}
      </p>
      {notice && (
        <p className="scanner-notice" role="status">
          {notice}
        </p>
      )}
      {last && bundle?.can_undo && online && (
        <div className="scanner-last" data-testid="scanner-last">
          <span>
            Admitted: <strong>{last.name}</strong>
          </span>
          <button type="button" className="btn btn-secondary btn-small" disabled={undoing} onClick={() => void undoLast()}>
            Undo check-in
          </button>
        </div>
      )}
      {camera && !noCamera ? (
        <CameraView onCode={(t) => void handle(t)} onUnavailable={() => setNoCamera(true)} />
      ) : (
        <p className="scanner-nocam">{noCamera ? 'No camera available: type the code below.' : 'Camera paused.'}</p>
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
          {camera ? 'Pause camera' : 'Start camera'}
        </button>
      )}
      <form className="scanner-typed" onSubmit={submitTyped}>
        <label htmlFor="typed-code">Ticket code</label>
        <div className="scanner-typed-row">
          <input id="typed-code" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
          <button type="submit" className="btn">
            Check
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
          {shown.offline && <p className="scanner-answer-detail">Offline: synced when the network is back</p>}
        </div>
      )}
    </main>
  );
}
