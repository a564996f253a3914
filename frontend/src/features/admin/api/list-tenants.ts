import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type AdminTenant = components['schemas']['AdminTenant'];
export type AdminTenantList = components['schemas']['AdminTenantList'];
export type TenantFilter = { q?: string; status?: '' | 'active' | 'suspended' };

/** GET /api/v1/admin/tenants: search by name, member email or id; newest first; cursor pages. */
export function listTenants(
  filter: TenantFilter,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<AdminTenantList> {
  return unwrap(
    apiClient.GET('/admin/tenants', {
      params: { query: { q: filter.q || undefined, status: filter.status || undefined, cursor: cursor || undefined } },
      signal,
    }),
  );
}

export function listTenantsQueryOptions(filter: TenantFilter) {
  return infiniteQueryOptions({
    queryKey: ['admin', 'tenants', 'list', filter],
    queryFn: ({ pageParam, signal }) => listTenants(filter, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useTenants(filter: TenantFilter) {
  return useInfiniteQuery(listTenantsQueryOptions(filter));
}
