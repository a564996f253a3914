import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient } from '@/lib/api-client';

import { patchCachedContacts, savedQueryKeyPrefix } from '../contact-cache';
import { listListsQueryOptions } from './list-lists';

/** DELETE /api/v1/lists/{id}: the list goes; its contacts stay saved. */
export async function deleteList(id: string): Promise<void> {
  await apiClient.DELETE('/lists/{id}', { params: { path: { id } } });
}

export function useDeleteList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteList,
    onSuccess: (_, id) => {
      patchCachedContacts(queryClient, (contact) =>
        contact.lists.some((l) => l.id === id) ? { ...contact, lists: contact.lists.filter((l) => l.id !== id) } : contact,
      );
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: listListsQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix }),
      ]);
    },
  });
}
