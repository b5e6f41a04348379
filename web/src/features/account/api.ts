import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap, type UpdateMeRequest } from '@/lib/api';
import { meKey } from '@/lib/auth';

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMeRequest) => unwrap(client.PATCH('/api/v1/me', { body })),
    onSuccess: (user) => {
      qc.setQueryData(meKey, user);
      qc.invalidateQueries({ queryKey: ['me', 'sessions'] });
    },
  });
}

export function useSessions() {
  return useQuery({
    queryKey: ['me', 'sessions'],
    queryFn: () => unwrap(client.GET('/api/v1/me/sessions')).then((r) => r.items),
  });
}

/** Ends every session, this one included. */
export function useSignOutEverywhere() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/api/v1/me/sessions')),
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}

export function useTokens() {
  return useQuery({
    queryKey: ['me', 'tokens'],
    queryFn: () => unwrap(client.GET('/api/v1/me/tokens')).then((r) => r.items),
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; event_id?: string | null; expires_at?: string | null }) =>
      unwrap(client.POST('/api/v1/me/tokens', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me', 'tokens'] }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(client.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me', 'tokens'] }),
  });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/api/v1/me')),
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}
