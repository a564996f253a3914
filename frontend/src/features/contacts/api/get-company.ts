import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Company = components['schemas']['Company'];

/**
 * GET /api/v1/companies/{id}: the company and a page of the contacts the tenant sees there
 * (`cursor` is the previous page's next_contacts_cursor). Free: it does not use the search quota.
 */
export function getCompany(
  id: string,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<Company> {
  return unwrap(apiClient.GET('/companies/{id}', { params: { path: { id }, query: { cursor } }, signal }));
}

export function getCompanyQueryOptions(id: string) {
  return infiniteQueryOptions({
    queryKey: ['contacts', 'company', id],
    queryFn: ({ pageParam, signal }) => getCompany(id, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_contacts_cursor || undefined,
  });
}

export function useCompany(id: string | null) {
  return useInfiniteQuery({ ...getCompanyQueryOptions(id ?? ''), enabled: id !== null && id !== '' });
}
