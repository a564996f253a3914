import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type ContactList = components['schemas']['List'];
export type ContactListPage = components['schemas']['ListList'];

/** GET /api/v1/lists: the tenant's lists with their member counts. */
export function listLists({ signal }: { signal?: AbortSignal } = {}): Promise<ContactListPage> {
  return unwrap(apiClient.GET('/lists', { signal }));
}

export function listListsQueryOptions() {
  return queryOptions({
    queryKey: ['contacts', 'lists'],
    queryFn: ({ signal }) => listLists({ signal }),
  });
}

export function useLists({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...listListsQueryOptions(), enabled });
}
