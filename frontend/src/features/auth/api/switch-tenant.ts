import { useMutation } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { applyGrant, type TokenResponse } from '@/lib/auth/session';

/** POST /api/v1/auth/switch-tenant: an access token for another of the user's tenants. */
export function switchTenant(tenantId: string): Promise<TokenResponse> {
  return unwrap(apiClient.POST('/auth/switch-tenant', { body: { tenant_id: tenantId } }));
}

/**
 * Everything cached belonged to the previous tenant: the app resets every query when the session's
 * tenant changes (app/session-sync), so all of it is fetched again for the new one.
 */
export function useSwitchTenant() {
  return useMutation({ mutationFn: switchTenant, onSuccess: applyGrant });
}
