import { Trans, useTranslation } from 'react-i18next';
import { useEffect, useState } from 'react';
import { formatCountdown } from '@/lib/format';

/** Time left on a held registration; calls onExpire once when it runs out. */
export function HoldCountdown({ expiresAt, onExpire }: { expiresAt: string; onExpire?: () => void }) {
  const { t } = useTranslation();
  const end = new Date(expiresAt).getTime();
  const [now, setNow] = useState(() => Date.now());
  const left = end - now;
  useEffect(() => {
    if (left <= 0) {
      onExpire?.();
      return;
    }
    const timer = setTimeout(() => setNow(Date.now()), 1000 - (Date.now() % 1000) + 5);
    return () => clearTimeout(timer);
  }, [left, onExpire]);
  if (left <= 0) return <span className="countdown expired">{t('registration.holdEnded')}</span>;
  return (
    <span className="countdown">
      <Trans i18nKey="registration.heldFor" values={{ time: formatCountdown(left) }} components={[<strong key="c" aria-hidden="true" />]} />
      <span className="visually-hidden">{t('registration.minutesLeft', { count: Math.ceil(left / 60000) })}</span>
    </span>
  );
}
