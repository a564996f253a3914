import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { addCounts, inBatches } from '@/lib/bulk';

import { patchCachedContactsById, savedQueryKeyPrefix } from '../contact-cache';

/** POST /api/v1/saved-contacts/approve (org admins, saved:approve): ready for the CRM push. */
export function approveSaved(contactIds: string[]): Promise<{ count: number }> {
  return inBatches(contactIds, (batch) => unwrap(apiClient.POST('/saved-contacts/approve', { body: { contact_ids: batch } })), addCounts);
}

export function useApproveSaved() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: approveSaved,
    onSuccess: (_, contactIds) => {
      patchCachedContactsById(queryClient, contactIds, (contact) => ({ ...contact, saved_status: 'approved' }));
      return queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix });
    },
  });
}
