import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type AdminTenantDetail = components['schemas']['AdminTenantDetail'];

/** GET /api/v1/admin/tenants/{id}: the tenant with its usage and members. */
export function getTenant(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<AdminTenantDetail> {
  return unwrap(apiClient.GET('/admin/tenants/{id}', { params: { path: { id } }, signal }));
}

export function getTenantQueryOptions(id: string) {
  return queryOptions({
    queryKey: ['admin', 'tenants', 'detail', id],
    queryFn: ({ signal }) => getTenant(id, { signal }),
  });
}

export function useTenant(id: string) {
  return useQuery(getTenantQueryOptions(id));
}
