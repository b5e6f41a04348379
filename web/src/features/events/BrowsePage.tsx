import { useSearchParams } from 'react-router';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { categoryLabel, useCategories } from '@/lib/categories';
import { filtersFromParams, filtersToParams, useEventList, type BrowseFilters } from './api';
import { BrowseFiltersForm } from './BrowseFiltersForm';
import { EventCard } from './EventCard';

export function BrowsePage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const categories = useCategories();
  const list = useEventList(filters);
  const events = list.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (next: BrowseFilters) => setParams(filtersToParams(next));

  return (
    <section className="page">
      <title>{'Upcoming events · admit'}</title>
      <h1>Upcoming events</h1>
      <BrowseFiltersForm value={filters} categories={categories.data ?? []} onChange={apply} />
      {list.isPending ? (
        <Loading label="Loading events…" />
      ) : list.isError && events.length === 0 ? (
        <ErrorMessage error={list.error} />
      ) : events.length === 0 ? (
        <p className="empty">No events match. Try other dates or another category.</p>
      ) : (
        <>
          <p className="visually-hidden" role="status">
            {events.length} events shown
          </p>
          <ul className="card-grid" aria-busy={list.isFetching && !list.isFetchingNextPage}>
            {events.map((e) => (
              <li key={e.id}>
                <EventCard event={e} categoryLabel={categoryLabel(categories.data, e.category)} />
              </li>
            ))}
          </ul>
          {list.isFetchNextPageError && <ErrorMessage error={list.error} />}
          {list.hasNextPage && (
            <div className="load-more">
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
              >
                {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
