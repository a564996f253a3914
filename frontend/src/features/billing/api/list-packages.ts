import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type PackageList = components['schemas']['PackageList'];

/** GET /api/v1/packages (public): the active packages with prices and every limit. */
export function listPackages({ signal }: { signal?: AbortSignal } = {}): Promise<PackageList> {
  return unwrap(apiClient.GET('/packages', { signal }));
}

export function listPackagesQueryOptions() {
  return queryOptions({
    queryKey: ['packages'],
    queryFn: ({ signal }) => listPackages({ signal }),
    staleTime: 5 * 60_000,
  });
}

export function usePackages() {
  return useQuery(listPackagesQueryOptions());
}
