import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type SetTenantStatusBody = components['schemas']['SetTenantStatusRequest'];
export type Tenant = components['schemas']['Tenant'];

/** PATCH /api/v1/admin/tenants/{id}: suspend (reason required) or reactivate; at once. */
export function setTenantStatus({ id, ...body }: SetTenantStatusBody & { id: string }): Promise<Tenant> {
  return unwrap(apiClient.PATCH('/admin/tenants/{id}', { params: { path: { id } }, body }));
}

export function useSetTenantStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setTenantStatus,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'tenants'] }),
  });
}
