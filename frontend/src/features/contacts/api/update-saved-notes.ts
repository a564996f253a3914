import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { patchCachedContactsById } from '../contact-cache';
import type { Contact } from './search-contacts';

/** PATCH /api/v1/saved-contacts/{id} (saved:write): the team's note on a saved contact; "" clears it. */
export function updateSavedNotes({ contactId, notes }: { contactId: string; notes: string }): Promise<Contact> {
  return unwrap(apiClient.PATCH('/saved-contacts/{id}', { params: { path: { id: contactId } }, body: { notes } }));
}

export function useUpdateSavedNotes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateSavedNotes,
    // Rows on screen show the note too; refetching a search would spend a unit of the quota.
    onSuccess: (contact) =>
      patchCachedContactsById(queryClient, [contact.id], (cached) => ({ ...cached, saved_notes: contact.saved_notes })),
  });
}
