import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type SetSubscriptionBody = components['schemas']['SetSubscriptionRequest'];
export type Subscription = components['schemas']['Subscription'];

/** PUT /api/v1/admin/tenants/{id}/subscription: assigns a package by hand, with a reason (audited). */
export function setTenantSubscription({ id, ...body }: SetSubscriptionBody & { id: string }): Promise<Subscription> {
  return unwrap(apiClient.PUT('/admin/tenants/{id}/subscription', { params: { path: { id } }, body }));
}

export function useSetTenantSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setTenantSubscription,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'tenants'] }),
  });
}
