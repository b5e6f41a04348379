import { useMutation, useQueryClient } from '@tanstack/react-query';
import { client, unwrap, type SignupRequest } from '@/lib/api';
import { meKey, useSetMe } from '@/lib/auth';

export function useSignUp() {
  return useMutation({
    mutationFn: (body: SignupRequest) => unwrap(client.POST('/api/v1/auth/signup', { body })),
  });
}

export function useSignIn() {
  const setMe = useSetMe();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(client.POST('/api/v1/auth/login', { body })),
    onSuccess: (res) => setMe(res.user),
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.POST('/api/v1/auth/logout')),
    onSettled: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}

export function useVerifyEmail() {
  return useMutation({
    mutationFn: (token: string) => unwrap(client.POST('/api/v1/auth/verify', { body: { token } })),
  });
}

export function useResendVerification() {
  return useMutation({
    mutationFn: (email: string) => unwrap(client.POST('/api/v1/auth/verify/resend', { body: { email } })),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) => unwrap(client.POST('/api/v1/auth/password-reset', { body: { email } })),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      unwrap(client.POST('/api/v1/auth/password-reset/confirm', { body })),
  });
}
