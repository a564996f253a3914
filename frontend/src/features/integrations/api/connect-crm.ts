import { useMutation } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type CrmConnect = components['schemas']['CRMConnect'];

/**
 * POST /api/v1/crm/connect (org admins, crm:manage): the CRM's authorize URL, carrying a
 * single-use state (10 minutes) and a PKCE challenge. The browser goes there; the CRM sends it
 * back through /api/v1/crm/oauth/callback to /integrations?crm=connected|error. 503
 * crm-not-configured when the server has no CRM client.
 */
export function connectCrm(): Promise<CrmConnect> {
  return unwrap(apiClient.POST('/crm/connect'));
}

export function useConnectCrm() {
  return useMutation({ mutationFn: connectCrm });
}
