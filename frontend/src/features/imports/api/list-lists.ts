import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type ContactListPage = components['schemas']['ListList'];

/** GET /api/v1/lists: the tenant's lists, for the import's target list. */
export function listLists({ signal }: { signal?: AbortSignal } = {}): Promise<ContactListPage> {
  return unwrap(apiClient.GET('/lists', { signal }));
}

export function listListsQueryOptions() {
  // The contacts feature caches the same answer under this key.
  return queryOptions({ queryKey: ['contacts', 'lists'], queryFn: ({ signal }) => listLists({ signal }) });
}

/** The lists; `enabled: false` where the import cannot name one (platform imports). */
export function useLists({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...listListsQueryOptions(), enabled });
}
