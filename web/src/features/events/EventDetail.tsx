import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Event } from '@/lib/api';
import { StatusBadge } from '@/components/StatusBadge';
import { formatEventRange } from '@/lib/format';
import { categoryLabel, useCategories } from '@/lib/categories';
import { useMe } from '@/lib/auth';

/** An event's page body; `children` is the ticket and registration section. */
export function EventDetail({ event, children }: { event: Event; children?: ReactNode }) {
  const { t } = useTranslation();
  const categories = useCategories();
  const me = useMe();
  const own = me.data?.id === event.organizer_id;
  return (
    <article className="page event-detail">
      <p className="breadcrumbs">
        <Link to="/">{t('events.backToAll')}</Link>
      </p>
      <header className="event-head">
        <p className="card-kicker">
          <span className={`chip chip-${event.category}`}>{categoryLabel(categories.data, event.category)}</span>
          {event.status !== 'published' && <StatusBadge status={event.status} />}
        </p>
        <title>{t('common.pageTitle', { title: event.title })}</title>
        <h1>{event.title}</h1>
        <dl className="facts">
          <div>
            <dt>{t('events.when')}</dt>
            <dd>
              <time dateTime={event.starts_at}>
                {formatEventRange(event.starts_at, event.ends_at, event.timezone)}
              </time>
              <span className="hint"> {t('events.zone', { zone: event.timezone })}</span>
            </dd>
          </div>
          <div>
            <dt>{t('events.where')}</dt>
            <dd>{event.venue}</dd>
          </div>
        </dl>
        {own && (
          <p>
            <Link className="btn btn-secondary" to={`/organizer/events/${encodeURIComponent(event.id)}`}>
              {t('events.manage')}
            </Link>
          </p>
        )}
      </header>
      {event.status === 'cancelled' && (
        <div className="alert alert-error" role="alert">
          {t('events.cancelled')}
        </div>
      )}
      {event.description && (
        <section aria-labelledby="about-h" className="description">
          <h2 id="about-h">{t('events.about')}</h2>
          <p className="prewrap">{event.description}</p>
        </section>
      )}
      {children}
    </article>
  );
}
