import { Link, NavLink, Outlet, useNavigate, useOutletContext, useParams } from 'react-router';
import { ConfirmButton } from '@/components/ConfirmButton';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { StatusBadge } from '@/components/StatusBadge';
import { isApiError, type Event } from '@/lib/api';
import { formatEventRange } from '@/lib/dates';
import { useCancelEvent, useCreateEvent, useOrganizerEvent, useOrganizerEvents, usePublishEvent, useUpdateEvent } from './api';
import { EventForm } from './EventForm';
import { blankDraft, draftFromEvent } from './eventForm';
import { StatsPanel } from './StatsPanel';

/** /organizer — the organizer's events, every state. */
export function OrganizerHome() {
  const events = useOrganizerEvents();
  return (
    <section className="page">
      <div className="page-head">
        <title>{'Your events · admit'}</title>
        <h1>Your events</h1>
        <Link className="btn btn-primary" to="/organizer/events/new">
          New event
        </Link>
      </div>
      {events.isPending ? (
        <Loading />
      ) : events.isError ? (
        <ErrorMessage error={events.error} />
      ) : events.data.length === 0 ? (
        <p className="empty">No events yet. Create your first one.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">When</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">Sold</th>
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
                    {e.sold} / {e.capacity}
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
  const create = useCreateEvent();
  const navigate = useNavigate();
  return (
    <section className="page narrow-wide">
      <p className="breadcrumbs">
        <Link to="/organizer">← Your events</Link>
      </p>
      <title>{'New event · admit'}</title>
      <h1>New event</h1>
      <p className="hint">It stays a draft, seen only by you, until you publish it.</p>
      <EventForm
        initial={blankDraft()}
        submitLabel="Create draft"
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
  const { id = '' } = useParams();
  const ev = useOrganizerEvent(id);
  const publish = usePublishEvent(id);
  const cancel = useCancelEvent(id);
  if (ev.isPending) return <Loading />;
  if (ev.isError)
    return (
      <section className="page">
        {isApiError(ev.error) && ev.error.status === 404 ? <p>Event not found.</p> : <ErrorMessage error={ev.error} />}
      </section>
    );
  const e = ev.data;
  const base = `/organizer/events/${encodeURIComponent(e.id)}`;
  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/organizer">← Your events</Link>
      </p>
      <div className="page-head">
        <div>
          <title>{`${e.title} · Organize · admit`}</title>
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
              Public page
            </Link>
          )}
          {e.status === 'draft' && (
            <button type="button" className="btn btn-primary" disabled={publish.isPending} onClick={() => publish.mutate()}>
              Publish
            </button>
          )}
          {e.status !== 'cancelled' && (
            <ConfirmButton
              question="Cancel the event? Every registration is cancelled and refunded, and attendees are told."
              confirmLabel="Cancel event"
              cancelLabel="Keep it"
              busy={cancel.isPending}
              onConfirm={() => cancel.mutate()}
            >
              Cancel event
            </ConfirmButton>
          )}
        </div>
      </div>
      <ErrorMessage error={publish.error ?? cancel.error} showFields />
      <nav className="tabs" aria-label="Event sections">
        <NavLink end to={base}>
          Overview
        </NavLink>
        <NavLink to={`${base}/registrations`}>Registrations</NavLink>
        <NavLink to={`${base}/promo-codes`}>Promo codes</NavLink>
        <NavLink to={`${base}/door`}>Door</NavLink>
        {e.status !== 'cancelled' && <NavLink to={`${base}/edit`}>Edit</NavLink>}
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
  const { event } = useOrganizerEventContext();
  const update = useUpdateEvent(event.id);
  const navigate = useNavigate();
  return (
    <div className="narrow-wide">
      <h2 className="visually-hidden">Edit event</h2>
      <EventForm
        key={event.updated_at ?? event.id}
        initial={draftFromEvent(event)}
        submitLabel="Save changes"
        pending={update.isPending}
        error={update.error}
        onSubmit={(body) =>
          update.mutate(body, { onSuccess: (ev) => navigate(`/organizer/events/${encodeURIComponent(ev.id)}`) })
        }
      />
    </div>
  );
}
