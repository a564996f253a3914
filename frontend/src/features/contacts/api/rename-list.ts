import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { patchCachedContacts } from '../contact-cache';
import { listListsQueryOptions, type ContactList } from './list-lists';

/** PATCH /api/v1/lists/{id}: a new, tenant-unique name. */
export function renameList({ id, name }: { id: string; name: string }): Promise<ContactList> {
  return unwrap(apiClient.PATCH('/lists/{id}', { params: { path: { id } }, body: { name } }));
}

export function useRenameList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: renameList,
    onSuccess: (list) => {
      // Rows already on screen name the list too; renaming costs no new search.
      patchCachedContacts(queryClient, (contact) =>
        contact.lists?.some((l) => l.id === list.id)
          ? { ...contact, lists: contact.lists.map((l) => (l.id === list.id ? { id: list.id, name: list.name } : l)) }
          : contact,
      );
      return queryClient.invalidateQueries({ queryKey: listListsQueryOptions().queryKey });
    },
  });
}
