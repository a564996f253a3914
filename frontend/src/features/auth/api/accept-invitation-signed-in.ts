import { useMutation } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { applyGrant, type TokenResponse } from '@/lib/auth/session';

/**
 * POST /api/v1/me/invitations/accept: the signed-in user, invited at their own address, joins
 * without a password; the session moves to the invitation's tenant.
 */
export function acceptInvitationSignedIn(token: string): Promise<TokenResponse> {
  return unwrap(apiClient.POST('/me/invitations/accept', { body: { token } }));
}

/** The app resets every cached query when the signed-in user or tenant changes (app/session-sync). */
export function useAcceptInvitationSignedIn() {
  return useMutation({ mutationFn: acceptInvitationSignedIn, onSuccess: applyGrant });
}
