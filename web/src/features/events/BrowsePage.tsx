import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { categoryLabel, useCategories } from '@/lib/categories';
import { filtersFromParams, filtersToParams, useEventList, type BrowseFilters } from './api';
import { BrowseFiltersForm } from './BrowseFiltersForm';
import { EventCard } from './EventCard';

export function BrowsePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const categories = useCategories();
  const list = useEventList(filters);
  const events = list.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (next: BrowseFilters) => setParams(filtersToParams(next));

  return (
    <section className="page">
      <title>{t('common.pageTitle', { title: t('events.browseTitle') })}</title>
      <h1>{t('events.browseTitle')}</h1>
      <BrowseFiltersForm value={filters} categories={categories.data ?? []} onChange={apply} />
      {list.isPending ? (
        <Loading label={t('events.loading')} />
      ) : list.isError && events.length === 0 ? (
        <ErrorMessage error={list.error} />
      ) : events.length === 0 ? (
        <p className="empty">{t('events.noMatch')}</p>
      ) : (
        <>
          <p className="visually-hidden" role="status">
            {t('events.shown', { count: events.length })}
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
                {list.isFetchingNextPage ? t('common.loading') : t('events.loadMore')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
