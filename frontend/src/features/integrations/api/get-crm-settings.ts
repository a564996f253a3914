import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { crmQueryKey } from '@/lib/crm/query-keys';

export type CrmSettings = components['schemas']['CRMSettings'];

/** The CRM fields we push, in the order the settings form shows them. */
export const crmFields = ['email', 'first_name', 'last_name', 'phone', 'job_title', 'company_name'] as const;
export type CrmField = (typeof crmFields)[number];

export type FieldOwnership = 'fill_if_empty' | 'overwrite' | 'never';

/** The settings with the version they were read at (the ETag), which a save sends back as If-Match. */
export type CrmSettingsVersion = CrmSettings & { etag: string | null };

/** GET /api/v1/crm/settings (crm:read): the field ownership of every CRM field, and its ETag. */
export async function getCrmSettings({ signal }: { signal?: AbortSignal } = {}): Promise<CrmSettingsVersion> {
  const result = apiClient.GET('/crm/settings', { signal });
  const settings = await unwrap(result);
  return { ...settings, etag: (await result).response.headers.get('ETag') };
}

export function getCrmSettingsQueryOptions() {
  return queryOptions({
    queryKey: [...crmQueryKey, 'settings'],
    queryFn: ({ signal }) => getCrmSettings({ signal }),
  });
}

export function useCrmSettings() {
  return useQuery(getCrmSettingsQueryOptions());
}
