import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap, type Event, type EventCreate, type EventFields, type PromoCodeCreate } from '@/lib/api';
import type { operations } from '@/lib/api/schema';

const path = (id: string) => ({ params: { path: { id } } });

export function useOrganizerEvents() {
  return useQuery({
    queryKey: ['organizer', 'events'],
    queryFn: () => unwrap(client.GET('/api/v1/organizer/events')).then((r) => r.items),
  });
}

export function useOrganizerEvent(id: string) {
  return useQuery({
    queryKey: ['events', 'one', id, ''],
    queryFn: () => unwrap(client.GET('/api/v1/events/{id}', path(id))),
    enabled: !!id,
  });
}

function useEventWrite<TVars>(fn: (v: TVars) => Promise<Event>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (ev) => {
      qc.setQueryData(['events', 'one', ev.id, ''], ev);
      qc.invalidateQueries({ queryKey: ['organizer'] });
      qc.invalidateQueries({ queryKey: ['events', 'list'] });
    },
  });
}

export const useCreateEvent = () =>
  useEventWrite((body: EventCreate) => unwrap(client.POST('/api/v1/events', { body })));
export const useUpdateEvent = (id: string) =>
  // A PATCH may carry any subset of the fields (one toggle, e.g. door_staff_can_undo); the
  // generated type lists fields that have a default as always present, so the subset is cast.
  useEventWrite((body: Partial<EventFields>) =>
    unwrap(client.PATCH('/api/v1/events/{id}', { ...path(id), body: body as EventFields })),
  );
export const usePublishEvent = (id: string) =>
  useEventWrite(() => unwrap(client.POST('/api/v1/events/{id}/publish', path(id))));
export const useCancelEvent = (id: string) =>
  useEventWrite(() => unwrap(client.POST('/api/v1/events/{id}/cancel', path(id))));

export function useEventStats(id: string) {
  return useQuery({
    queryKey: ['organizer', 'stats', id],
    queryFn: () => unwrap(client.GET('/api/v1/events/{id}/stats', path(id))),
    refetchInterval: 30_000,
  });
}

export type RegistrationStatusFilter = NonNullable<
  NonNullable<operations['listEventRegistrations']['parameters']['query']>['status']
>;

export interface RegistrationFilter {
  q: string;
  status: RegistrationStatusFilter | '';
}

/** The CSV export is a download the browser follows (a link), not a fetch. */
export function registrationsCsvUrl(id: string, f: RegistrationFilter): string {
  const p = new URLSearchParams({ format: 'csv' });
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.status) p.set('status', f.status);
  return `/api/v1/events/${encodeURIComponent(id)}/registrations?${p}`;
}

export function useEventRegistrations(id: string, f: RegistrationFilter) {
  return useInfiniteQuery({
    queryKey: ['organizer', 'registrations', id, f],
    queryFn: async ({ pageParam }) => {
      const page = await unwrap(
        client.GET('/api/v1/events/{id}/registrations', {
          params: {
            path: { id },
            query: { q: f.q.trim() || undefined, status: f.status || undefined, limit: 50, cursor: pageParam },
          },
        }),
      );
      // Without format=csv the answer is the JSON page (the CSV is a link: registrationsCsvUrl).
      if (typeof page === 'string') throw new TypeError('expected a JSON page of registrations');
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useRegistrationAction(eventId: string, action: 'cancel' | 'mark-paid') {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (regId: string) =>
      unwrap(
        action === 'cancel'
          ? client.POST('/api/v1/registrations/{id}/cancel', path(regId))
          : client.POST('/api/v1/registrations/{id}/mark-paid', path(regId)),
      ),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['organizer', 'registrations', eventId] });
      qc.invalidateQueries({ queryKey: ['organizer', 'stats', eventId] });
      qc.invalidateQueries({ queryKey: ['events', 'one', eventId] });
    },
  });
}

/** Refund all or part of a paid registration (the refund's state comes back by webhook). */
export function useRefund(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, amount, reason }: { id: string; amount: number; reason: string }) =>
      unwrap(client.POST('/api/v1/registrations/{id}/refund', { ...path(id), body: { amount, reason } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['organizer', 'registrations', eventId] });
      qc.invalidateQueries({ queryKey: ['organizer', 'stats', eventId] });
    },
  });
}

export function usePromoCodes(id: string) {
  return useQuery({
    queryKey: ['organizer', 'promo', id],
    queryFn: () => unwrap(client.GET('/api/v1/events/{id}/promo-codes', path(id))).then((r) => r.items),
  });
}

export function useCreatePromoCode(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PromoCodeCreate) => unwrap(client.POST('/api/v1/events/{id}/promo-codes', { ...path(id), body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['organizer', 'promo', id] }),
  });
}
