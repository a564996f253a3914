import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient } from '@/lib/api-client';
import { crmQueryKey } from '@/lib/crm/query-keys';

/**
 * DELETE /api/v1/crm/connection (org admins, crm:manage): revokes the grant at the CRM, deletes
 * the tokens and cancels queued pushes. 404 when the tenant never connected.
 */
export async function disconnectCrm(): Promise<void> {
  await apiClient.DELETE('/crm/connection');
}

export function useDisconnectCrm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disconnectCrm,
    // The connection, and the pushes whose queued contacts were cancelled.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: crmQueryKey }),
  });
}
