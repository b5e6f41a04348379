import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useNavigate, useOutletContext, useParams } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { StatusBadge } from '@/components/StatusBadge';
import { isApiError, type Event } from '@/lib/api';
import { formatEventRange, formatNumber } from '@/lib/format';
import { useCancelEvent, useCreateEvent, useOrganizerEvent, useOrganizerEvents, usePublishEvent, useUpdateEvent } from './api';
import { EventForm } from './EventForm';
import { blankDraft, draftFromEvent } from './eventForm';
import { StatsPanel } from './StatsPanel';

/** /organizer — the organizer's events, every state. */
export function OrganizerHome() {
  const { t } = useTranslation();
  const events = useOrganizerEvents();
  return (
    <section className="page">
      <div className="page-head">
        <title>{t('common.pageTitle', { title: t('organizer.pages.yourEvents') })}</title>
        <h1>{t('organizer.pages.yourEvents')}</h1>
        <Link className="btn btn-primary" to="/organizer/events/new">
          {t('organizer.pages.newEvent')}
        </Link>
      </div>
      {events.isPending ? (
        <Loading />
      ) : events.isError ? (
        <ErrorMessage error={events.error} />
      ) : events.data.length === 0 ? (
        <p className="empty">{t('organizer.pages.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('organizer.pages.event')}</th>
                <th scope="col">{t('organizer.pages.when')}</th>
                <th scope="col">{t('organizer.pages.status')}</th>
                <th scope="col" className="num">{t('organizer.pages.sold')}</th>
              </tr>
            </thead>
            <tbody>
              {events.data.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/organizer/events/${encodeURIComponent(e.id)}`}>{e.title}</Link>
                    <span className="hint block">{e.venue}</span>
                  </td>
                  <td>{formatEventRange(e.starts_at, e.ends_at, e.timezone)}</td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td className="num">
                    {t('organizer.pages.soldOf', { sold: formatNumber(e.sold), capacity: formatNumber(e.capacity) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function NewEventPage() {
  const { t } = useTranslation();
  const create = useCreateEvent();
  const navigate = useNavigate();
  return (
    <section className="page narrow-wide">
      <p className="breadcrumbs">
        <Link to="/organizer">{t('organizer.pages.back')}</Link>
      </p>
      <title>{t('common.pageTitle', { title: t('organizer.pages.newEvent') })}</title>
      <h1>{t('organizer.pages.newEvent')}</h1>
      <p className="hint">{t('organizer.pages.draftHint')}</p>
      <EventForm
        initial={blankDraft()}
        submitLabel={t('organizer.pages.createDraft')}
        pending={create.isPending}
        error={create.error}
        onSubmit={(body) =>
          create.mutate(body as Parameters<typeof create.mutate>[0], {
            onSuccess: (ev) => navigate(`/organizer/events/${encodeURIComponent(ev.id)}`),
          })
        }
      />
    </section>
  );
}

export interface OrganizerEventContext {
  event: Event;
}

/** /organizer/events/:id/* — header, actions and sub-pages. */
export function OrganizerEventLayout() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const ev = useOrganizerEvent(id);
  const publish = usePublishEvent(id);
  const cancel = useCancelEvent(id);
  if (ev.isPending) return <Loading />;
  if (ev.isError)
    return (
      <section className="page">
        {isApiError(ev.error) && ev.error.status === 404 ? <p>{t('organizer.pages.notFound')}</p> : <ErrorMessage error={ev.error} />}
      </section>
    );
  const e = ev.data;
  const base = `/organizer/events/${encodeURIComponent(e.id)}`;
  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/organizer">{t('organizer.pages.back')}</Link>
      </p>
      <div className="page-head">
        <div>
          <title>{t('organizer.pages.eventTitle', { title: e.title })}</title>
          <h1>
            {e.title} <StatusBadge status={e.status} />
          </h1>
          <p className="hint">
            {formatEventRange(e.starts_at, e.ends_at, e.timezone)} · {e.venue}
          </p>
        </div>
        <div className="actions">
          {e.status === 'published' && (
            <Link className="btn btn-secondary" to={`/events/${encodeURIComponent(e.id)}`}>
              {t('organizer.pages.publicPage')}
            </Link>
          )}
          {e.status === 'draft' && (
            <button type="button" className="btn btn-primary" disabled={publish.isPending} onClick={() => publish.mutate()}>
              {t('organizer.pages.publish')}
            </button>
          )}
          {e.status !== 'cancelled' && (
            <ConfirmButton
              question={t('organizer.pages.cancelQuestion')}
              confirmLabel={t('organizer.pages.cancelEvent')}
              cancelLabel={t('organizer.pages.keepIt')}
              busy={cancel.isPending}
              onConfirm={() => cancel.mutate()}
            >
              {t('organizer.pages.cancelEvent')}
            </ConfirmButton>
          )}
        </div>
      </div>
      <ErrorMessage error={publish.error ?? cancel.error} showFields />
      <nav className="tabs" aria-label={t('organizer.pages.sections')}>
        <NavLink end to={base}>
          {t('organizer.pages.overview')}
        </NavLink>
        <NavLink to={`${base}/registrations`}>{t('organizer.pages.registrations')}</NavLink>
        <NavLink to={`${base}/promo-codes`}>{t('organizer.pages.promoCodes')}</NavLink>
        <NavLink to={`${base}/door`}>{t('organizer.pages.door')}</NavLink>
        {e.status !== 'cancelled' && <NavLink to={`${base}/edit`}>{t('organizer.pages.edit')}</NavLink>}
      </nav>
      <Outlet context={{ event: e } satisfies OrganizerEventContext} />
    </section>
  );
}

export function useOrganizerEventContext() {
  return useOutletContext<OrganizerEventContext>();
}

export function OverviewTab() {
  const { event } = useOrganizerEventContext();
  return <StatsPanel event={event} />;
}

export function EditTab() {
  const { t } = useTranslation();
  const { event } = useOrganizerEventContext();
  const update = useUpdateEvent(event.id);
  const navigate = useNavigate();
  return (
    <div className="narrow-wide">
      <h2 className="visually-hidden">{t('organizer.pages.editEvent')}</h2>
      <EventForm
        key={event.updated_at ?? event.id}
        initial={draftFromEvent(event)}
        submitLabel={t('organizer.pages.saveChanges')}
        pending={update.isPending}
        error={update.error}
        onSubmit={(body) =>
          update.mutate(body, { onSuccess: (ev) => navigate(`/organizer/events/${encodeURIComponent(ev.id)}`) })
        }
      />
    </div>
  );
}
