import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { addCounts, inBatches } from '@/lib/bulk';

import { patchCachedContactsById, savedQueryKeyPrefix } from '../contact-cache';
import { listListsQueryOptions } from './list-lists';

/** DELETE /api/v1/saved-contacts: removes them from the saved view and from every list. */
export function unsaveContacts(contactIds: string[]): Promise<{ count: number }> {
  return inBatches(contactIds, (batch) => unwrap(apiClient.DELETE('/saved-contacts', { body: { contact_ids: batch } })), addCounts);
}

export function useUnsaveContacts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: unsaveContacts,
    onSuccess: (_, contactIds) => {
      patchCachedContactsById(queryClient, contactIds, (contact) => ({
        ...contact,
        saved: false,
        saved_status: undefined,
        saved_at: undefined,
        // The server drops the team's note with the saved contact.
        saved_notes: undefined,
        lists: [],
      }));
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix }),
        queryClient.invalidateQueries({ queryKey: listListsQueryOptions().queryKey }),
      ]);
    },
  });
}
