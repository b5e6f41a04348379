import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, isApiError, unwrap, type Event, type QuoteRequest, type Registration, type RegistrationCreate } from '@/lib/api';

const path = (id: string) => ({ params: { path: { id } } });

export const myRegistrationsKey = ['registrations', 'mine'] as const;
export const registrationKey = (id: string) => ['registrations', 'one', id] as const;

export function useMyRegistrations() {
  return useQuery({
    queryKey: myRegistrationsKey,
    queryFn: () => unwrap(client.GET('/api/v1/me/registrations')).then((r) => r.items),
  });
}

/** Whether a confirmed registration still waits for its tickets (codes, PDF, mail). */
export function awaitingTickets(r: Registration | undefined): boolean {
  return r?.status === 'confirmed' && r.tickets_issued_at === null;
}

export function useRegistration(id: string, pendingPollMs = 5000) {
  return useQuery({
    queryKey: registrationKey(id),
    queryFn: () => unwrap(client.GET('/api/v1/registrations/{id}', path(id))),
    // While a payment is pending, look again every few seconds (the webhook may land);
    // a confirmed registration is issued within moments: look again soon.
    refetchInterval: (q) =>
      q.state.data?.status === 'pending_payment' ? pendingPollMs : awaitingTickets(q.state.data) ? 1000 : false,
  });
}

/** Events of registrations that came without an embedded summary (same cache as the event page). */
export function useEventsById(ids: string[]) {
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['events', 'one', id, ''],
      queryFn: () => unwrap(client.GET('/api/v1/events/{id}', path(id))),
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
      unwrap(
        client.POST('/api/v1/events/{id}/registrations', {
          params: { path: { id: eventId }, header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
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
    mutationFn: (id: string) => unwrap(client.POST('/api/v1/registrations/{id}/cancel', path(id))),
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
        return await unwrap(client.GET('/api/v1/events/{id}/waitlist', path(eventId)));
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
    mutationFn: () => unwrap(client.POST('/api/v1/events/{id}/waitlist', { ...path(eventId), body: { quantity: 1 } })),
    onSuccess: (entry) => qc.setQueryData(waitlistKey(eventId), entry),
  });
}

export function useLeaveWaitlist(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/api/v1/events/{id}/waitlist', path(eventId))),
    onSuccess: () => qc.setQueryData(waitlistKey(eventId), null),
  });
}

export const quoteKey = (eventId: string, body: QuoteRequest) => ['quote', eventId, body] as const;

/**
 * The server's quote for an order (POST /api/v1/events/{id}/quote): each ticket type's
 * sale state, shown unit price and order limit, and the order's lines, discount and total.
 * Prices and sale states are the server's rules; the page only shows them.
 */
export function useQuote(eventId: string, body: QuoteRequest, enabled = true) {
  return useQuery({
    queryKey: quoteKey(eventId, body),
    queryFn: ({ signal }) => unwrap(client.POST('/api/v1/events/{id}/quote', { ...path(eventId), body, signal })),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    retry: false,
  });
}
