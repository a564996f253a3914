import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Usage = components['schemas']['Usage'];
export type Quota = components['schemas']['Quota'];
export type Seats = components['schemas']['Seats'];
export type Package = components['schemas']['Package'];

/**
 * GET /api/v1/tenant/usage: the tenant's effective package with every limit, seats and this
 * month's metered use. Shared: the Team page shows the seats, the Billing page everything.
 */
export function getUsage({ signal }: { signal?: AbortSignal } = {}): Promise<Usage> {
  return unwrap(apiClient.GET('/tenant/usage', { signal }));
}

export function getUsageQueryOptions() {
  return queryOptions({
    queryKey: ['tenant', 'usage'],
    queryFn: ({ signal }) => getUsage({ signal }),
  });
}

export function useUsage() {
  return useQuery(getUsageQueryOptions());
}
