import { queryOptions, useQuery } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import type { Contact } from './search-contacts';

/** GET /api/v1/contacts/{id}: the contact with the tenant's corrections, saved status and lists. */
export function getContact(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<Contact> {
  return unwrap(apiClient.GET('/contacts/{id}', { params: { path: { id } }, signal }));
}

export function getContactQueryOptions(id: string) {
  return queryOptions({
    queryKey: ['contacts', 'detail', id],
    queryFn: ({ signal }) => getContact(id, { signal }),
  });
}

/** `placeholder` (the row the user clicked) shows at once while the full record loads. */
export function useContact(id: string | null, placeholder?: Contact) {
  return useQuery({
    ...getContactQueryOptions(id ?? ''),
    enabled: id !== null,
    placeholderData: placeholder && placeholder.id === id ? placeholder : undefined,
  });
}
