import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Invitation = components['schemas']['Invitation'];
export type InvitationList = components['schemas']['InvitationList'];

/** GET /api/v1/tenant/invitations: org admins only; newest first, every status. */
export function listInvitations({ signal }: { signal?: AbortSignal } = {}): Promise<InvitationList> {
  return unwrap(apiClient.GET('/tenant/invitations', { signal }));
}

export function listInvitationsQueryOptions() {
  return queryOptions({
    queryKey: ['tenant', 'invitations'],
    queryFn: ({ signal }) => listInvitations({ signal }),
  });
}

export function useInvitations({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...listInvitationsQueryOptions(), enabled });
}
