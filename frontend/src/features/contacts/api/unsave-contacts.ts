import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { patchCachedContactsById, savedQueryKeyPrefix } from '../contact-cache';
import { listListsQueryOptions } from './list-lists';

/** DELETE /api/v1/saved-contacts: removes them from the saved view and from every list. */
export function unsaveContacts(contactIds: string[]): Promise<{ count: number }> {
  return unwrap(apiClient.DELETE('/saved-contacts', { body: { contact_ids: contactIds } }));
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
