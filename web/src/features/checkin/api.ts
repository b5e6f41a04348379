// The scanner's calls. A door token (picked up from the organizer's QR code, kept on the
// device) goes as a bearer token; without one the organizer's own session is used.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '@/lib/api';
import type { components } from '@/lib/api/schema';

export type CheckinResult = components['schemas']['CheckinResult'];
export type CheckinBundle = components['schemas']['CheckinBundle'];
export type CheckinLog = components['schemas']['CheckinLog'];
export type SyncResult = CheckinResult & { qr: string };

const eid = (id: string) => encodeURIComponent(id);
const auth = (token: string | null): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

export function scanCode(eventId: string, token: string | null, body: { qr: string; gate?: string; device?: string }) {
  return request<CheckinResult>(`/api/v1/events/${eid(eventId)}/checkins`, { method: 'POST', body, headers: auth(token) });
}

export function fetchBundle(eventId: string, token: string | null, since?: string) {
  return request<CheckinBundle>(`/api/v1/events/${eid(eventId)}/checkin-bundle`, {
    query: { since },
    headers: auth(token),
  });
}

export function syncScans(
  eventId: string,
  token: string | null,
  scans: { qr: string; scanned_at: string; gate?: string; device?: string }[],
) {
  return request<{ results: SyncResult[] }>(`/api/v1/events/${eid(eventId)}/checkins/sync`, {
    method: 'POST',
    body: { scans },
    headers: auth(token),
  });
}

/** Makes a ticket valid again (organizers; door tokens where the organizer allows it). */
export function undoCheckin(eventId: string, token: string | null, ticketId: string, gate?: string) {
  return request<CheckinResult>(`/api/v1/events/${eid(eventId)}/checkins/${eid(ticketId)}/undo`, {
    method: 'POST',
    body: gate ? { gate } : {},
    headers: auth(token),
  });
}

/** The organizer's scan list (newest first), refreshed while the Door tab is open. */
export function useCheckinLog(eventId: string) {
  return useQuery({
    queryKey: ['checkins', eventId],
    queryFn: () => request<CheckinLog>(`/api/v1/events/${eid(eventId)}/checkins`, { query: { limit: 50 } }),
    refetchInterval: 10000,
  });
}

export function useUndoCheckin(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ticketId: string) => undoCheckin(eventId, null, ticketId),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['checkins', eventId] }),
  });
}

/** The door token for an event: from the link's #token=… (then kept), else the kept one. */
export function doorToken(eventId: string, hash: string): string | null {
  const key = `admit-door-token:${eventId}`;
  const m = /(?:^#|&)token=([^&]+)/.exec(hash);
  if (m) {
    const token = decodeURIComponent(m[1]);
    localStorage.setItem(key, token);
    return token;
  }
  return localStorage.getItem(key);
}

export function deviceId(): string {
  let id = localStorage.getItem('admit-device');
  if (!id) {
    id = `dev-${Math.random().toString(36).slice(2, 10)}`;
    localStorage.setItem('admit-device', id);
  }
  return id;
}
