import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { listListsQueryOptions, type ContactList, type ContactListPage } from './list-lists';

/** POST /api/v1/lists: names are unique per tenant (409 otherwise). */
export function createList({ name }: { name: string }): Promise<ContactList> {
  return unwrap(apiClient.POST('/lists', { body: { name } }));
}

/**
 * The server's order of lists (GET /lists): numbers by their value ("List 2" before "List 10"),
 * case and accents aside. The new list takes its place at once, not where text order would put it
 * until the refetch moves it.
 */
const listCollator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function byListName(a: Pick<ContactList, 'name' | 'id'>, b: Pick<ContactList, 'name' | 'id'>): number {
  return listCollator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function useCreateList() {
  const queryClient = useQueryClient();
  const { queryKey } = listListsQueryOptions();
  return useMutation({
    mutationFn: createList,
    onSuccess: (list) => {
      queryClient.setQueryData<ContactListPage>(queryKey, (page) =>
        page ? { ...page, items: [...page.items, list].sort(byListName) } : page,
      );
      void queryClient.invalidateQueries({ queryKey });
    },
  });
}
