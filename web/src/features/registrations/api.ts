import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError, type Event, type Registration, type RegistrationCreate, type WaitlistEntry } from '@/lib/api';

export const myRegistrationsKey = ['registrations', 'mine'] as const;
export const registrationKey = (id: string) => ['registrations', 'one', id] as const;

export function useMyRegistrations() {
  return useQuery({
    queryKey: myRegistrationsKey,
    queryFn: () => api.get<{ items: Registration[] }>('/api/v1/me/registrations').then((r) => r.items),
  });
}

export function useRegistration(id: string) {
  return useQuery({
    queryKey: registrationKey(id),
    queryFn: () => api.get<Registration>(`/api/v1/registrations/${encodeURIComponent(id)}`),
    // While a payment is pending, look again every few seconds (the webhook may land).
    refetchInterval: (q) => (q.state.data?.status === 'pending_payment' ? 5000 : false),
  });
}

/** Events of registrations that came without an embedded summary (same cache as the event page). */
export function useEventsById(ids: string[]) {
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['events', 'one', id, ''],
      queryFn: () => api.get<Event>(`/api/v1/events/${encodeURIComponent(id)}`),
      staleTime: 60_000,
      retry: false,
    })),
  });
  const map = new Map<string, Event>();
  results.forEach((r, i) => {
    if (r.data) map.set(unique[i], r.data);
  });
  return map;
}

export function useRegister(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: RegistrationCreate; idempotencyKey: string }) =>
      api.post<Registration>(`/api/v1/events/${encodeURIComponent(eventId)}/registrations`, body, {
        'Idempotency-Key': idempotencyKey,
      }),
    onSuccess: (reg) => {
      qc.setQueryData(registrationKey(reg.id), reg);
      qc.invalidateQueries({ queryKey: myRegistrationsKey });
      qc.invalidateQueries({ queryKey: ['events'] });
    },
    onError: (e) => {
      if (isApiError(e) && e.code === 'sold_out') qc.invalidateQueries({ queryKey: ['events'] });
    },
  });
}

export function useCancelRegistration() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Registration>(`/api/v1/registrations/${encodeURIComponent(id)}/cancel`),
    onSuccess: (reg) => {
      qc.setQueryData(registrationKey(reg.id), reg);
      qc.invalidateQueries({ queryKey: myRegistrationsKey });
      qc.invalidateQueries({ queryKey: ['events'] });
    },
  });
}

const waitlistKey = (eventId: string) => ['waitlist', eventId] as const;

export function useWaitlistEntry(eventId: string, enabled: boolean) {
  return useQuery({
    queryKey: waitlistKey(eventId),
    enabled,
    queryFn: async () => {
      try {
        return await api.get<WaitlistEntry>(`/api/v1/events/${encodeURIComponent(eventId)}/waitlist`);
      } catch (e) {
        if (isApiError(e) && e.status === 404) return null;
        throw e;
      }
    },
  });
}

export function useJoinWaitlist(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<WaitlistEntry>(`/api/v1/events/${encodeURIComponent(eventId)}/waitlist`, {}),
    onSuccess: (entry) => qc.setQueryData(waitlistKey(eventId), entry),
  });
}

export function useLeaveWaitlist(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.del(`/api/v1/events/${encodeURIComponent(eventId)}/waitlist`),
    onSuccess: () => qc.setQueryData(waitlistKey(eventId), null),
  });
}

/** The price of one ticket after the promo the event view carries (the server's total is final). */
export function discounted(price: number, typeId: string, promo: Event['promo']): number {
  if (!promo) return price;
  if (promo.ticket_type_ids.length > 0 && !promo.ticket_type_ids.includes(typeId)) return price;
  if (promo.kind === 'percent') return Math.max(0, price - Math.round((price * promo.amount) / 100));
  return Math.max(0, price - promo.amount);
}
