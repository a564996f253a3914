import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { listListsQueryOptions, type ContactList, type ContactListPage } from './list-lists';

/** POST /api/v1/lists: names are unique per tenant (409 otherwise). */
export function createList({ name }: { name: string }): Promise<ContactList> {
  return unwrap(apiClient.POST('/lists', { body: { name } }));
}

export function useCreateList() {
  const queryClient = useQueryClient();
  const { queryKey } = listListsQueryOptions();
  return useMutation({
    mutationFn: createList,
    onSuccess: (list) => {
      queryClient.setQueryData<ContactListPage>(queryKey, (page) =>
        page ? { ...page, items: [...page.items, list].sort((a, b) => a.name.localeCompare(b.name)) } : page,
      );
      void queryClient.invalidateQueries({ queryKey });
    },
  });
}
