import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { apiKeysQueryKey } from './list-api-keys';

export type ApiKeyUsage = components['schemas']['APIKeyUsage'];
export type ApiKeyUsageDay = components['schemas']['APIKeyUsageDay'];

/**
 * GET /api/v1/api-keys/{id}/usage: requests per day for the last 30 days, oldest first, zero days
 * included, and their total. Counts are written in batches, so the last few seconds may be missing.
 */
export function getApiKeyUsage(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<ApiKeyUsage> {
  return unwrap(apiClient.GET('/api-keys/{id}/usage', { params: { path: { id } }, signal }));
}

export function getApiKeyUsageQueryOptions(id: string) {
  return queryOptions({
    queryKey: [...apiKeysQueryKey, 'usage', id],
    queryFn: ({ signal }) => getApiKeyUsage(id, { signal }),
  });
}

export function useApiKeyUsage(id: string) {
  return useQuery(getApiKeyUsageQueryOptions(id));
}
