import { useEffect, useState } from 'react';
import { formatCountdown } from '@/lib/dates';

/** Time left on a held registration; calls onExpire once when it runs out. */
export function HoldCountdown({ expiresAt, onExpire }: { expiresAt: string; onExpire?: () => void }) {
  const end = new Date(expiresAt).getTime();
  const [now, setNow] = useState(() => Date.now());
  const left = end - now;
  useEffect(() => {
    if (left <= 0) {
      onExpire?.();
      return;
    }
    const t = setTimeout(() => setNow(Date.now()), 1000 - (Date.now() % 1000) + 5);
    return () => clearTimeout(t);
  }, [left, onExpire]);
  if (left <= 0) return <span className="countdown expired">The hold has ended.</span>;
  return (
    <span className="countdown">
      Seats held for <strong aria-hidden="true">{formatCountdown(left)}</strong>
      <span className="visually-hidden">{Math.ceil(left / 60000)} more minutes</span>
    </span>
  );
}
