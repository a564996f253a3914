import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient } from '@/lib/api-client';

/**
 * POST /api/v1/admin/tenants/{id}/checkouts/{event_id}/retry (system admins): runs again the job
 * that applies a checkout the tenant paid whose job gave up. 409 when it did not fail (applied or
 * already queued again).
 */
export async function retryTenantCheckout({ id, eventId }: { id: string; eventId: string }): Promise<void> {
  // 204: no body; an error status throws in the client's middleware.
  await apiClient.POST('/admin/tenants/{id}/checkouts/{event_id}/retry', { params: { path: { id, event_id: eventId } } });
}

export function useRetryTenantCheckout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retryTenantCheckout,
    onSuccess: (_data, { id }) => queryClient.invalidateQueries({ queryKey: ['admin', 'tenants', 'detail', id] }),
  });
}
