import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { apiKeysQueryKey, type ApiKey } from '@/lib/api-keys/list-api-keys';

/**
 * POST /api/v1/api-keys/{id}/rotate: a new key with the same name, scopes and expiry, its secret
 * returned once; the old secret keeps working for `overlapHours` (0–168). 409 for a revoked or
 * expired key.
 */
export function rotateApiKey({ id, overlapHours }: { id: string; overlapHours: number }): Promise<ApiKey> {
  return unwrap(
    apiClient.POST('/api-keys/{id}/rotate', { params: { path: { id } }, body: { overlap_hours: overlapHours } }),
  );
}

export function useRotateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rotateApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });
}
