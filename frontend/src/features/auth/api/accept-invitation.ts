import { useMutation } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { applyGrant, type TokenResponse } from '@/lib/auth/session';

export type AcceptInvitationBody = components['schemas']['AcceptInvitationRequest'];

/** POST /api/v1/invitations/accept: joins the tenant (creating the account if needed), signed in. */
export function acceptInvitation(body: AcceptInvitationBody): Promise<TokenResponse> {
  return unwrap(apiClient.POST('/invitations/accept', { body }));
}

/** The app resets every cached query when the signed-in user or tenant changes (app/session-sync). */
export function useAcceptInvitation() {
  return useMutation({ mutationFn: acceptInvitation, onSuccess: applyGrant });
}
