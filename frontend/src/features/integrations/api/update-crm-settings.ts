import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';

import { getCrmSettingsQueryOptions, type CrmSettingsVersion } from './get-crm-settings';

export type UpdateCrmSettingsInput = {
  fieldOwnership: Record<string, string>;
  /** The ETag of the settings the form was opened with: another admin's change meanwhile is a 412, not undone. */
  etag: string | null;
};

/**
 * PUT /api/v1/crm/settings (org admins, crm:manage): replaces the field ownership; a field left
 * out goes back to fill_if_empty. 422 names a bad field as `field_ownership.<field>`; 412 says
 * another admin changed the settings since `etag` was read.
 */
export async function updateCrmSettings({ fieldOwnership, etag }: UpdateCrmSettingsInput): Promise<CrmSettingsVersion> {
  const result = apiClient.PUT('/crm/settings', {
    params: { header: etag ? { 'If-Match': etag } : {} },
    body: { field_ownership: fieldOwnership },
  });
  const settings = await unwrap(result);
  return { ...settings, etag: (await result).response.headers.get('ETag') };
}

export function useUpdateCrmSettings() {
  const queryClient = useQueryClient();
  const queryKey = getCrmSettingsQueryOptions().queryKey;
  return useMutation({
    mutationFn: updateCrmSettings,
    onSuccess: (settings) => queryClient.setQueryData(queryKey, settings),
    // Another admin's change: load it, so the form shows what is saved now.
    onError: (error) => {
      if (error instanceof ApiError && error.status === 412) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
