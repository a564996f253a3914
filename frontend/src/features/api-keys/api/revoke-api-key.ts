import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient } from '@/lib/api-client';
import { apiKeysQueryKey } from '@/lib/api-keys/list-api-keys';

/** DELETE /api/v1/api-keys/{id}: immediate on the server that handles it, within 10 s everywhere. */
export async function revokeApiKey(id: string): Promise<void> {
  await apiClient.DELETE('/api-keys/{id}', { params: { path: { id } } });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });
}
