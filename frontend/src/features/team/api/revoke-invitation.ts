import { useMutation, useQueryClient } from '@tanstack/react-query';

import { getUsageQueryOptions } from '@/lib/usage/get-usage';
import { apiClient } from '@/lib/api-client';

import { listInvitationsQueryOptions } from './list-invitations';

/** DELETE /api/v1/tenant/invitations/{id}: the link stops working and the seat is free again. */
export async function revokeInvitation(id: string): Promise<void> {
  await apiClient.DELETE('/tenant/invitations/{id}', { params: { path: { id } } });
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeInvitation,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: listInvitationsQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey }),
      ]),
  });
}
