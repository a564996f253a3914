import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { getUsageQueryOptions } from '@/lib/usage/get-usage';
import { apiClient, unwrap } from '@/lib/api-client';

import { listInvitationsQueryOptions, type Invitation } from './list-invitations';

export type CreateInvitationBody = components['schemas']['CreateInvitationRequest'];

/**
 * POST /api/v1/tenant/invitations: answers the invitation with its `accept_url`, once (it is also
 * mailed). 409 `seat-limit-reached` when members plus pending invitations fill the package.
 */
export function createInvitation(body: CreateInvitationBody): Promise<Invitation> {
  return unwrap(apiClient.POST('/tenant/invitations', { body }));
}

export function useCreateInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvitation,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: listInvitationsQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey }),
      ]),
  });
}
