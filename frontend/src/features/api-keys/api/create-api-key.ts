import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { apiKeysQueryKey, type ApiKey } from '@/lib/api-keys/list-api-keys';

export type CreateApiKeyBody = components['schemas']['CreateAPIKeyRequest'];

/**
 * POST /api/v1/api-keys: answers the key with its `secret`, exactly once (never cached here).
 * 403 `plan-feature-unavailable` when the package has no API access; 422 names bad fields.
 */
export function createApiKey(body: CreateApiKeyBody): Promise<ApiKey> {
  return unwrap(apiClient.POST('/api-keys', { body }));
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });
}
