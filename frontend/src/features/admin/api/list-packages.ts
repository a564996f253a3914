import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Package = components['schemas']['Package'];
export type PackageList = components['schemas']['PackageList'];

/** GET /api/v1/admin/packages: every package, inactive ones included. */
export function listAdminPackages({ signal }: { signal?: AbortSignal } = {}): Promise<PackageList> {
  return unwrap(apiClient.GET('/admin/packages', { signal }));
}

export function listAdminPackagesQueryOptions() {
  return queryOptions({
    queryKey: ['admin', 'packages'],
    queryFn: ({ signal }) => listAdminPackages({ signal }),
  });
}

export function useAdminPackages() {
  return useQuery(listAdminPackagesQueryOptions());
}
