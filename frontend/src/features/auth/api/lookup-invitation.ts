import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { keepOnSessionChange } from '@/lib/react-query';

export type InvitationPreview = components['schemas']['InvitationPreview'];

/**
 * POST /api/v1/invitations/lookup: who invites whom, for the accept page. The token goes in the
 * body: it never appears in a URL the server or a proxy would log.
 */
export function lookupInvitation(token: string, { signal }: { signal?: AbortSignal } = {}): Promise<InvitationPreview> {
  return unwrap(apiClient.POST('/invitations/lookup', { body: { token }, signal }));
}

export function lookupInvitationQueryOptions(token: string) {
  return queryOptions({
    queryKey: ['invitations', 'lookup', token],
    queryFn: ({ signal }) => lookupInvitation(token, { signal }),
    retry: false,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    // Accepting signs in (maybe as another user than before): the token is used up then, and the
    // page leaves; asked again, the lookup would only answer 404.
    meta: { [keepOnSessionChange]: true },
  });
}

export function useInvitationLookup(token: string) {
  return useQuery({ ...lookupInvitationQueryOptions(token), enabled: token !== '' });
}
