import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { addCounts, inBatches } from '@/lib/bulk';

import { patchCachedContactsById, savedQueryKeyPrefix } from '../contact-cache';

/** POST /api/v1/saved-contacts/reject (org admins, saved:approve): not to be pushed to the CRM. */
export function rejectSaved(contactIds: string[]): Promise<{ count: number }> {
  return inBatches(contactIds, (batch) => unwrap(apiClient.POST('/saved-contacts/reject', { body: { contact_ids: batch } })), addCounts);
}

export function useRejectSaved() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rejectSaved,
    onSuccess: (_, contactIds) => {
      patchCachedContactsById(queryClient, contactIds, (contact) => ({ ...contact, saved_status: 'rejected' }));
      return queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix });
    },
  });
}
