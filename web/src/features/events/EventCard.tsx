import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Event } from '@/lib/api';
import { formatEventRange, formatPriceRange } from '@/lib/format';

/** "Sold out" or "12 seats left": sold out is the server's answer (`sold_out`). */
export function SeatsText({ event }: { event: Event }) {
  const { t } = useTranslation();
  return <>{event.sold_out ? t('events.soldOut') : t('events.seatsLeft', { count: event.remaining })}</>;
}

export function EventCard({ event, categoryLabel }: { event: Event; categoryLabel: string }) {
  const prices = event.ticket_types.map((tt) => tt.price);
  return (
    <article className="card event-card" aria-labelledby={`ev-${event.id}`}>
      <p className="card-kicker">
        <span className={`chip chip-${event.category}`}>{categoryLabel}</span>
      </p>
      <h2 className="card-title" id={`ev-${event.id}`}>
        <Link to={`/events/${encodeURIComponent(event.id)}`}>{event.title}</Link>
      </h2>
      <p className="card-meta">
        <time dateTime={event.starts_at}>{formatEventRange(event.starts_at, event.ends_at, event.timezone)}</time>
      </p>
      <p className="card-meta">{event.venue}</p>
      <p className="card-foot">
        <span className="price">{formatPriceRange(prices, event.currency)}</span>
        <span className={event.sold_out ? 'seats sold-out' : 'seats'}>
          <SeatsText event={event} />
        </span>
      </p>
    </article>
  );
}
