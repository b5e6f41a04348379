import { Link } from 'react-router';
import type { Event } from '@/lib/api';
import { formatEventRange } from '@/lib/dates';
import { formatPriceRange } from '@/lib/money';
import { isSoldOut } from './api';

export function seatsText(e: Event): string {
  if (isSoldOut(e)) return 'Sold out';
  return e.remaining === 1 ? '1 seat left' : `${e.remaining} seats left`;
}

export function EventCard({ event, categoryLabel }: { event: Event; categoryLabel: string }) {
  const soldOut = isSoldOut(event);
  const prices = event.ticket_types.map((t) => t.price);
  return (
    <article className="card event-card" aria-labelledby={`ev-${event.id}`}>
      <p className="card-kicker">
        <span className={`chip chip-${event.category}`}>{categoryLabel}</span>
      </p>
      <h2 className="card-title" id={`ev-${event.id}`}>
        <Link to={`/events/${encodeURIComponent(event.id)}`}>{event.title}</Link>
      </h2>
      <p className="card-meta">
        <time dateTime={event.starts_at}>
          {formatEventRange(event.starts_at, event.ends_at, event.timezone)}
        </time>
      </p>
      <p className="card-meta">{event.venue}</p>
      <p className="card-foot">
        <span className="price">{formatPriceRange(prices, event.currency)}</span>
        <span className={soldOut ? 'seats sold-out' : 'seats'}>{seatsText(event)}</span>
      </p>
    </article>
  );
}
