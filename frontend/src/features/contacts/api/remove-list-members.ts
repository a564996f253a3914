import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { addCounts, inBatches } from '@/lib/bulk';

import { patchCachedContactsById, savedQueryKeyPrefix } from '../contact-cache';
import { listListsQueryOptions } from './list-lists';

/** DELETE /api/v1/lists/{id}/members: off the list, still saved. */
export function removeListMembers({ listId, contactIds }: { listId: string; contactIds: string[] }): Promise<{ count: number }> {
  return inBatches(
    contactIds,
    (batch) =>
      unwrap(apiClient.DELETE('/lists/{id}/members', { params: { path: { id: listId } }, body: { contact_ids: batch } })),
    addCounts,
  );
}

export function useRemoveListMembers() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeListMembers,
    onSuccess: (_, { listId, contactIds }) => {
      patchCachedContactsById(queryClient, contactIds, (contact) => ({
        ...contact,
        lists: contact.lists?.filter((l) => l.id !== listId),
      }));
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix }),
        queryClient.invalidateQueries({ queryKey: listListsQueryOptions().queryKey }),
      ]);
    },
  });
}
