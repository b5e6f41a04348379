import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  api,
  type Event,
  type EventCreate,
  type EventFields,
  type EventStats,
  type PromoCode,
  type PromoCodeCreate,
  type Registration,
  type RegistrationPage,
} from '@/lib/api';

const eid = (id: string) => encodeURIComponent(id);

export function useOrganizerEvents() {
  return useQuery({
    queryKey: ['organizer', 'events'],
    queryFn: () => api.get<{ items: Event[] }>('/api/v1/organizer/events').then((r) => r.items),
  });
}

export function useOrganizerEvent(id: string) {
  return useQuery({
    queryKey: ['events', 'one', id, ''],
    queryFn: () => api.get<Event>(`/api/v1/events/${eid(id)}`),
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

export const useCreateEvent = () => useEventWrite((body: EventCreate) => api.post<Event>('/api/v1/events', body));
export const useUpdateEvent = (id: string) =>
  useEventWrite((body: Partial<EventFields>) => api.patch<Event>(`/api/v1/events/${eid(id)}`, body));
export const usePublishEvent = (id: string) =>
  useEventWrite(() => api.post<Event>(`/api/v1/events/${eid(id)}/publish`));
export const useCancelEvent = (id: string) =>
  useEventWrite(() => api.post<Event>(`/api/v1/events/${eid(id)}/cancel`));

export function useEventStats(id: string) {
  return useQuery({
    queryKey: ['organizer', 'stats', id],
    queryFn: () => api.get<EventStats>(`/api/v1/events/${eid(id)}/stats`),
    refetchInterval: 30_000,
  });
}

export interface RegistrationFilter {
  q: string;
  status: string;
}

export function registrationsCsvUrl(id: string, f: RegistrationFilter): string {
  const p = new URLSearchParams({ format: 'csv' });
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.status) p.set('status', f.status);
  return `/api/v1/events/${eid(id)}/registrations?${p}`;
}

export function useEventRegistrations(id: string, f: RegistrationFilter) {
  return useInfiniteQuery({
    queryKey: ['organizer', 'registrations', id, f],
    queryFn: ({ pageParam }) =>
      api.get<RegistrationPage>(`/api/v1/events/${eid(id)}/registrations`, {
        q: f.q.trim() || undefined,
        status: f.status || undefined,
        limit: 50,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useRegistrationAction(eventId: string, action: 'cancel' | 'mark-paid') {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (regId: string) => api.post<Registration>(`/api/v1/registrations/${eid(regId)}/${action}`),
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
      api.post<Registration>(`/api/v1/registrations/${eid(id)}/refund`, { amount, reason }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['organizer', 'registrations', eventId] });
      qc.invalidateQueries({ queryKey: ['organizer', 'stats', eventId] });
    },
  });
}

export function usePromoCodes(id: string) {
  return useQuery({
    queryKey: ['organizer', 'promo', id],
    queryFn: () => api.get<{ items: PromoCode[] }>(`/api/v1/events/${eid(id)}/promo-codes`).then((r) => r.items),
  });
}

export function useCreatePromoCode(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PromoCodeCreate) => api.post<PromoCode>(`/api/v1/events/${eid(id)}/promo-codes`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['organizer', 'promo', id] }),
  });
}
