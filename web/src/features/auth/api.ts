import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type SignupRequest, type User } from '@/lib/api';
import { meKey, useSetMe } from '@/lib/auth';

export function useSignUp() {
  return useMutation({
    mutationFn: (body: SignupRequest) => api.post<{ status: string }>('/api/v1/auth/signup', body),
  });
}

export function useSignIn() {
  const setMe = useSetMe();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      api.post<{ user: User }>('/api/v1/auth/login', body),
    onSuccess: (res) => setMe(res.user),
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/v1/auth/logout'),
    onSettled: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}

export function useVerifyEmail() {
  return useMutation({
    mutationFn: (token: string) => api.post<{ status: string }>('/api/v1/auth/verify', { token }),
  });
}

export function useResendVerification() {
  return useMutation({
    mutationFn: (email: string) => api.post<{ status: string }>('/api/v1/auth/verify/resend', { email }),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) => api.post<{ status: string }>('/api/v1/auth/password-reset', { email }),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      api.post<void>('/api/v1/auth/password-reset/confirm', body),
  });
}
