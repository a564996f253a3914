import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Contact = components['schemas']['Contact'];

/** GET /api/v1/contacts/{id}: an imported row's contact, to name it in the results. */
export function getContact(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<Contact> {
  return unwrap(apiClient.GET('/contacts/{id}', { params: { path: { id } }, signal }));
}

export function getContactQueryOptions(id: string) {
  // The contacts feature caches the same answer under this key.
  return queryOptions({ queryKey: ['contacts', 'detail', id], queryFn: ({ signal }) => getContact(id, { signal }) });
}

export function useContact(id: string | null | undefined) {
  return useQuery({ ...getContactQueryOptions(id ?? ''), enabled: !!id, staleTime: 60_000 });
}
