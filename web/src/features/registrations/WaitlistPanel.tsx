import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { WaitlistEntry } from '@/lib/api';
import { ErrorMessage } from '@/components/ErrorMessage';
import { ConfirmButton } from '@/components/ConfirmButton';
import { formatDateTime } from '@/lib/format';
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
  const { t } = useTranslation();
  const entry = useWaitlistEntry(eventId, signedIn);
  const join = useJoinWaitlist(eventId);
  const leave = useLeaveWaitlist(eventId);
  const e = entry.data;

  if (!signedIn) {
    return (
      <div className="waitlist">
        <p>
          <Trans i18nKey="waitlist.signIn" components={[<Link key="l" to={signInHref} />]} />
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
              {e.offer_expires_at
                ? t('waitlist.offerUntil', { when: formatDateTime(e.offer_expires_at, timezone) })
                : t('waitlist.offer')}
            </p>
          ) : (
            <p>
              {e.position ? t('waitlist.onListAt', { position: e.position }) : t('waitlist.onList')}
            </p>
          )}
          <ConfirmButton
            question={t('waitlist.leaveQuestion')}
            confirmLabel={t('waitlist.leaveConfirm')}
            busy={leave.isPending}
            onConfirm={() => leave.mutate()}
          >
            {t('waitlist.leave')}
          </ConfirmButton>
        </>
      ) : (
        <>
          <p>{t('waitlist.soldOut')}</p>
          <button type="button" className="btn btn-primary" onClick={() => join.mutate()} disabled={join.isPending || entry.isPending}>
            {t('waitlist.join')}
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
