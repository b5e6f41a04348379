// The fixed category list (GET /api/v1/categories), cached for the session.
import { useQuery } from '@tanstack/react-query';
import { api, type Category } from './api';

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => api.get<{ items: Category[] }>('/api/v1/categories').then((r) => r.items),
    staleTime: Infinity,
  });
}

export function categoryLabel(categories: Category[] | undefined, id: string): string {
  return categories?.find((c) => c.id === id)?.label ?? id.charAt(0).toUpperCase() + id.slice(1);
}
