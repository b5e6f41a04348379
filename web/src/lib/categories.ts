// The fixed category list (GET /api/v1/categories), cached for the session; labels are
// translated by id (the server's English label is the fallback for an id added later).
import { useQuery } from '@tanstack/react-query';
import i18n from '@/i18n';
import { client, unwrap, type Category } from './api';

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => unwrap(client.GET('/api/v1/categories')).then((r) => r.items),
    staleTime: Infinity,
  });
}

export function categoryLabel(categories: Category[] | undefined, id: string): string {
  const fallback = categories?.find((c) => c.id === id)?.label ?? id;
  return i18n.t(`categories.${id}` as 'categories.music', { defaultValue: fallback });
}
