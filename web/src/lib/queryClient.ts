import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api';

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Retry only what may succeed on a second try (network, 429, 5xx), twice.
        retry: (count, error) => count < 2 && (!isApiError(error) || error.retryable),
      },
      mutations: { retry: false },
    },
  });
}
