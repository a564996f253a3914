import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { crmQueryKey } from './query-keys';

export type CrmConnection = components['schemas']['CRMConnection'];
export type CrmConnectionStatus = CrmConnection['status'];

/**
 * GET /api/v1/crm/connection (crm:read): the tenant's 1CloudAI CRM connection, its status
 * (not_connected, connected, needs_reauth, disconnected), who connected it, the last successful
 * push and how many contacts wait.
 */
export function getCrmConnection({ signal }: { signal?: AbortSignal } = {}): Promise<CrmConnection> {
  return unwrap(apiClient.GET('/crm/connection', { signal }));
}

export function getCrmConnectionQueryOptions() {
  return queryOptions({
    queryKey: [...crmQueryKey, 'connection'],
    queryFn: ({ signal }) => getCrmConnection({ signal }),
  });
}

export function useCrmConnection({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...getCrmConnectionQueryOptions(), enabled });
}
