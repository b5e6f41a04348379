import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Event } from '@/lib/api';
import { StatusBadge } from '@/components/StatusBadge';
import { formatEventRange } from '@/lib/dates';
import { categoryLabel, useCategories } from '@/lib/categories';
import { useMe } from '@/lib/auth';

/** An event's page body; `children` is the ticket and registration section. */
export function EventDetail({ event, children }: { event: Event; children?: ReactNode }) {
  const categories = useCategories();
  const me = useMe();
  const own = me.data?.id === event.organizer_id;
  return (
    <article className="page event-detail">
      <p className="breadcrumbs">
        <Link to="/">← All events</Link>
      </p>
      <header className="event-head">
        <p className="card-kicker">
          <span className={`chip chip-${event.category}`}>{categoryLabel(categories.data, event.category)}</span>
          {event.status !== 'published' && <StatusBadge status={event.status} />}
        </p>
        <title>{`${event.title} · admit`}</title>
        <h1>{event.title}</h1>
        <dl className="facts">
          <div>
            <dt>When</dt>
            <dd>
              <time dateTime={event.starts_at}>
                {formatEventRange(event.starts_at, event.ends_at, event.timezone)}
              </time>
              <span className="hint"> ({event.timezone})</span>
            </dd>
          </div>
          <div>
            <dt>Where</dt>
            <dd>{event.venue}</dd>
          </div>
        </dl>
        {own && (
          <p>
            <Link className="btn btn-secondary" to={`/organizer/events/${encodeURIComponent(event.id)}`}>
              Manage this event
            </Link>
          </p>
        )}
      </header>
      {event.status === 'cancelled' && (
        <div className="alert alert-error" role="alert">
          This event has been cancelled.
        </div>
      )}
      {event.description && (
        <section aria-labelledby="about-h" className="description">
          <h2 id="about-h">About</h2>
          <p className="prewrap">{event.description}</p>
        </section>
      )}
      {children}
    </article>
  );
}
