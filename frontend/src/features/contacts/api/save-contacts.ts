import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { inBatches } from '@/lib/bulk';

import { patchCachedContactsById, savedQueryKeyPrefix } from '../contact-cache';
import { listListsQueryOptions } from './list-lists';

export type SaveResult = components['schemas']['SaveResult'];

export type SaveContactsInput = {
  contactIds: string[];
  /** The list to add them to as well (its name updates the rows on screen). */
  list?: { id: string; name: string };
};

/**
 * POST /api/v1/saved-contacts: saves the contacts, idempotently, optionally onto a list, 1,000 a
 * call. One unknown id fails its call (404) and nothing of that call is saved.
 */
export function saveContacts({ contactIds, list }: SaveContactsInput): Promise<SaveResult> {
  return inBatches(
    contactIds,
    (batch) => unwrap(apiClient.POST('/saved-contacts', { body: { contact_ids: batch, list_id: list?.id } })),
    (a, b) => ({
      saved: a.saved + b.saved,
      already_saved: a.already_saved + b.already_saved,
      added_to_list: a.added_to_list + b.added_to_list,
    }),
  );
}

export function useSaveContacts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveContacts,
    onSuccess: (_, { contactIds, list }) => {
      patchCachedContactsById(queryClient, contactIds, (contact) => ({
        ...contact,
        saved: true,
        saved_status: contact.saved_status ?? 'saved',
        lists: list && !contact.lists?.some((l) => l.id === list.id) ? [...(contact.lists ?? []), list] : contact.lists,
      }));
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix }),
        queryClient.invalidateQueries({ queryKey: listListsQueryOptions().queryKey }),
      ]);
    },
  });
}
