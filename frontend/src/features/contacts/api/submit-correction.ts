import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { correctionsQueryKeyPrefix, patchCachedContactsById, savedQueryKeyPrefix } from '../contact-cache';
import { getContact, getContactQueryOptions } from './get-contact';

export type Correction = components['schemas']['Correction'];
export type CorrectionRequest = components['schemas']['CorrectionRequest'];

/**
 * POST /api/v1/contacts/{id}/corrections: the value is validated and normalized by the server
 * (422 with `errors[]` naming `field` or `value` otherwise); the tenant sees it at once.
 */
export function submitCorrection({ contactId, ...body }: CorrectionRequest & { contactId: string }): Promise<Correction> {
  return unwrap(apiClient.POST('/contacts/{id}/corrections', { params: { path: { id: contactId } }, body }));
}

export function useSubmitCorrection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: submitCorrection,
    onSuccess: async (correction) => {
      // The overlay (normalized value, status) comes back with the contact; rows on screen take it
      // over without a new search.
      const fresh = await getContact(correction.contact_id).catch(() => null);
      if (fresh) {
        queryClient.setQueryData(getContactQueryOptions(fresh.id).queryKey, fresh);
        patchCachedContactsById(queryClient, [fresh.id], () => fresh);
      }
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix }),
        // A new correction withdraws the field's pending one: the Corrections page and the
        // drawer's "changed since" notes read again.
        queryClient.invalidateQueries({ queryKey: correctionsQueryKeyPrefix }),
      ]);
    },
  });
}
