import { Link } from 'react-router';
import type { WaitlistEntry } from '@/lib/api';
import { ErrorMessage } from '@/components/ErrorMessage';
import { ConfirmButton } from '@/components/ConfirmButton';
import { formatDateTime } from '@/lib/dates';
import { useJoinWaitlist, useLeaveWaitlist, useWaitlistEntry } from './api';

export function WaitlistPanel({
  eventId,
  timezone,
  signedIn,
  signInHref,
}: {
  eventId: string;
  timezone: string;
  signedIn: boolean;
  signInHref: string;
}) {
  const entry = useWaitlistEntry(eventId, signedIn);
  const join = useJoinWaitlist(eventId);
  const leave = useLeaveWaitlist(eventId);
  const e = entry.data;

  if (!signedIn) {
    return (
      <div className="waitlist">
        <p>
          This event is sold out. <Link to={signInHref}>Sign in</Link> to join the waiting list.
        </p>
      </div>
    );
  }
  return (
    <div className="waitlist" aria-live="polite">
      {e && (e.status === 'waiting' || e.status === 'offered') ? (
        <>
          {e.status === 'offered' ? (
            <p className="alert alert-ok">
              Seats came free and are held for you
              {e.offer_expires_at ? ` until ${formatDateTime(e.offer_expires_at, timezone)}` : ''}. Choose your
              tickets above and register to claim them.
            </p>
          ) : (
            <p>
              You&apos;re on the waiting list{e.position ? ` (number ${e.position})` : ''}. We&apos;ll email you if
              seats come free.
            </p>
          )}
          <ConfirmButton question="Leave the waiting list?" confirmLabel="Leave" busy={leave.isPending} onConfirm={() => leave.mutate()}>
            Leave the waiting list
          </ConfirmButton>
        </>
      ) : (
        <>
          <p>This event is sold out. Join the waiting list and we&apos;ll email you if seats come free.</p>
          <button type="button" className="btn btn-primary" onClick={() => join.mutate()} disabled={join.isPending || entry.isPending}>
            Join the waiting list
          </button>
        </>
      )}
      <ErrorMessage error={join.error ?? leave.error} />
    </div>
  );
}

/** An open waiting-list offer (seats held for this user), if any. */
export function openOffer(entry: WaitlistEntry | null | undefined): WaitlistEntry | null {
  if (!entry || entry.status !== 'offered') return null;
  if (entry.offer_expires_at && new Date(entry.offer_expires_at).getTime() <= Date.now()) return null;
  return entry;
}
