import { useMutation, useQueryClient, type Query } from '@tanstack/react-query';

import { apiClient } from '@/lib/api-client';

import { patchCachedContacts, savedQueryKeyPrefix } from '../contact-cache';
import { listListsQueryOptions } from './list-lists';
import type { savedQuery } from './list-saved';

/** DELETE /api/v1/lists/{id}: the list goes; its contacts stay saved. */
export async function deleteList(id: string): Promise<void> {
  await apiClient.DELETE('/lists/{id}', { params: { path: { id } } });
}

/** Whether a saved-contacts query is filtered by the list `id` (its key ends in the query string). */
function filteredBy(id: string) {
  return (query: Query) => (query.queryKey[savedQueryKeyPrefix.length] as ReturnType<typeof savedQuery> | undefined)?.list_id === id;
}

export function useDeleteList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteList,
    onSuccess: async (_, id) => {
      // The contacts of a deleted list would be a 404: those queries are dropped, never refetched (the
      // page showing that list moves to all saved contacts; see ListsSidebar).
      const ofList = filteredBy(id);
      await queryClient.cancelQueries({ queryKey: savedQueryKeyPrefix, predicate: ofList });
      queryClient.removeQueries({ queryKey: savedQueryKeyPrefix, predicate: (q) => ofList(q) && q.getObserversCount() === 0 });
      patchCachedContacts(queryClient, (contact) =>
        contact.lists?.some((l) => l.id === id) ? { ...contact, lists: contact.lists.filter((l) => l.id !== id) } : contact,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: listListsQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix, predicate: (q) => !ofList(q) }),
      ]);
    },
  });
}
