import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import type { AdminUser } from './list-users';

export type SystemRole = components['schemas']['SetSystemRoleRequest']['system_role'];

/** PATCH /api/v1/admin/users/{id}: system_admin, support or user. */
export function setUserSystemRole({ id, systemRole }: { id: string; systemRole: SystemRole }): Promise<AdminUser> {
  return unwrap(apiClient.PATCH('/admin/users/{id}', { params: { path: { id } }, body: { system_role: systemRole } }));
}

export function useSetUserSystemRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setUserSystemRole,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });
}
