import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type ApiKey = components['schemas']['APIKey'];
export type ApiKeyList = components['schemas']['APIKeyList'];
export type ApiKeyStatus = ApiKey['status'];

/** Every query about API keys starts with this key, so one invalidation refreshes list and usage. */
export const apiKeysQueryKey = ['api-keys'] as const;

/**
 * GET /api/v1/api-keys: org admins only (`api_keys:manage`); newest first, every status, never a
 * secret. Shared: the API keys page manages them, the Billing page lists their usage.
 */
export function listApiKeys({ signal }: { signal?: AbortSignal } = {}): Promise<ApiKeyList> {
  return unwrap(apiClient.GET('/api-keys', { signal }));
}

export function listApiKeysQueryOptions() {
  return queryOptions({
    queryKey: [...apiKeysQueryKey, 'list'],
    queryFn: ({ signal }) => listApiKeys({ signal }),
  });
}

export function useApiKeys({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...listApiKeysQueryOptions(), enabled });
}
