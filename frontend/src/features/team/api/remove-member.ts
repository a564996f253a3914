import { useMutation, useQueryClient } from '@tanstack/react-query';

import { getUsageQueryOptions } from '@/lib/usage/get-usage';
import { apiClient } from '@/lib/api-client';

import { listMembersQueryOptions } from './list-members';

/** DELETE /api/v1/tenant/members/{userId}: takes effect on the member's next request. */
export async function removeMember(userId: string): Promise<void> {
  await apiClient.DELETE('/tenant/members/{userId}', { params: { path: { userId } } });
}

export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeMember,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: listMembersQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey }),
      ]),
  });
}
