import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Status = components['schemas']['StatusResponse'];

/** GET /api/v1/status: service name, version, environment, database reachability, server time. */
export function getStatus({ signal }: { signal?: AbortSignal } = {}): Promise<Status> {
  return unwrap(apiClient.GET('/status', { signal }));
}

const statusRefreshMs = 30_000;

export function getStatusQueryOptions() {
  return queryOptions({
    queryKey: ['system', 'status'],
    queryFn: ({ signal }) => getStatus({ signal }),
    refetchInterval: statusRefreshMs,
  });
}

export function useStatus() {
  return useQuery(getStatusQueryOptions());
}
