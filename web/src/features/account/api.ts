import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiToken, type ApiTokenCreated, type Session, type UpdateMeRequest, type User } from '@/lib/api';
import { meKey } from '@/lib/auth';

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMeRequest) => api.patch<User>('/api/v1/me', body),
    onSuccess: (user) => {
      qc.setQueryData(meKey, user);
      qc.invalidateQueries({ queryKey: ['me', 'sessions'] });
    },
  });
}

export function useSessions() {
  return useQuery({
    queryKey: ['me', 'sessions'],
    queryFn: () => api.get<{ items: Session[] }>('/api/v1/me/sessions').then((r) => r.items),
  });
}

/** Ends every session, this one included. */
export function useSignOutEverywhere() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.del('/api/v1/me/sessions'),
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}

export function useTokens() {
  return useQuery({
    queryKey: ['me', 'tokens'],
    queryFn: () => api.get<{ items: ApiToken[] }>('/api/v1/me/tokens').then((r) => r.items),
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; event_id?: string | null; expires_at?: string | null }) =>
      api.post<ApiTokenCreated>('/api/v1/me/tokens', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me', 'tokens'] }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.del(`/api/v1/me/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me', 'tokens'] }),
  });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.del('/api/v1/me'),
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}
