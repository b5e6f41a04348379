import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { client, unwrap, type CategoryId } from '@/lib/api';
import { localDayStartIso } from '@/lib/dates';

/** The browse filters, as kept in the URL (`?category=music&from=2025-06-01&to=...&q=jazz`). */
export interface BrowseFilters {
  category: string;
  from: string; // YYYY-MM-DD (browser's zone) or ''
  to: string; // YYYY-MM-DD inclusive, or ''
  q: string;
}

export const emptyFilters: BrowseFilters = { category: '', from: '', to: '', q: '' };

export function filtersFromParams(params: URLSearchParams): BrowseFilters {
  return {
    category: params.get('category') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    q: params.get('q') ?? '',
  };
}

export function filtersToParams(f: BrowseFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.category) p.set('category', f.category);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.q.trim()) p.set('q', f.q.trim());
  return p;
}

/**
 * The API query for the filters: day inputs become instants in the browser's zone, `to`
 * inclusive (events starting before the next day's midnight).
 */
export function filtersToQuery(f: BrowseFilters) {
  return {
    category: (f.category || undefined) as CategoryId | undefined,
    from: (f.from && localDayStartIso(f.from)) || undefined,
    to: (f.to && localDayStartIso(f.to, 1)) || undefined,
    q: f.q.trim() || undefined,
  };
}

export const PAGE_SIZE = 12;

export function useEventList(filters: BrowseFilters) {
  const query = filtersToQuery(filters);
  return useInfiniteQuery({
    queryKey: ['events', 'list', query],
    queryFn: ({ pageParam, signal }) =>
      unwrap(client.GET('/api/v1/events', { params: { query: { ...query, limit: PAGE_SIZE, cursor: pageParam } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export const eventKey = (id: string, promo?: string) => ['events', 'one', id, promo ?? ''] as const;

export function fetchEvent(id: string, promo?: string, signal?: AbortSignal) {
  return unwrap(
    client.GET('/api/v1/events/{id}', { params: { path: { id }, query: { promo_code: promo || undefined } }, signal }),
  );
}

/** One event; with `promo`, the view a promo code unlocks (hidden types it reveals). */
export function useEvent(id: string, promo?: string) {
  return useQuery({
    queryKey: eventKey(id, promo),
    queryFn: ({ signal }) => fetchEvent(id, promo, signal),
    enabled: promo === undefined || promo !== '',
  });
}
