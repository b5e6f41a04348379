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

/** Whether a confirmed registration still waits for its tickets (codes, PDF, mail). */
export function awaitingTickets(r: Registration | undefined): boolean {
  return r?.status === 'confirmed' && r.tickets_issued_at === null;
}

export function useRegistration(id: string, pendingPollMs = 5000) {
  return useQuery({
    queryKey: registrationKey(id),
    queryFn: () => api.get<Registration>(`/api/v1/registrations/${encodeURIComponent(id)}`),
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

type Promo = NonNullable<Event['promo']>;

/** Whether the promo code of the event view discounts this ticket type (null scope: every type). */
export function promoAppliesTo(promo: Event['promo'], typeId: string): promo is Promo {
  return !!promo && (promo.ticket_type_id == null || promo.ticket_type_id === typeId);
}

/**
 * The price of one ticket as the table shows it: a percent code lowers it; a fixed code
 * comes off the order as a whole (see `orderTotal`), so the unit price stays.
 */
export function unitPrice(price: number, typeId: string, promo: Event['promo']): number {
  if (!promoAppliesTo(promo, typeId) || promo.kind !== 'percent') return price;
  return price - percentOff(price, promo.amount);
}

function percentOff(amount: number, pct: number): number {
  const p = Math.min(100, Math.max(0, pct));
  return Math.floor((amount * p + 50) / 100); // half up, as the server rounds
}

/**
 * The order's total as the server prices it (the registration's `total` is final):
 * percent codes come off each in-scope item (rounded half up per item), fixed codes off
 * the in-scope items in order until the amount is used up.
 */
export function orderTotal(lines: { typeId: string; price: number; quantity: number }[], promo: Event['promo']): number {
  let fixedLeft = promo && promo.kind === 'fixed' ? Math.max(0, promo.amount) : 0;
  let total = 0;
  for (const l of lines) {
    let amount = l.price * l.quantity;
    if (promoAppliesTo(promo, l.typeId)) {
      if (promo.kind === 'percent') amount -= percentOff(amount, promo.amount);
      else {
        const off = Math.min(fixedLeft, amount);
        amount -= off;
        fixedLeft -= off;
      }
    }
    total += amount;
  }
  return total;
}
