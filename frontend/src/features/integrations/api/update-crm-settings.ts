import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { getCrmSettingsQueryOptions, type CrmSettings } from './get-crm-settings';

/**
 * PUT /api/v1/crm/settings (org admins, crm:manage): replaces the field ownership; a field left
 * out goes back to fill_if_empty. 422 names a bad field as `field_ownership.<field>`.
 */
export function updateCrmSettings(fieldOwnership: Record<string, string>): Promise<CrmSettings> {
  return unwrap(apiClient.PUT('/crm/settings', { body: { field_ownership: fieldOwnership } }));
}

export function useUpdateCrmSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCrmSettings,
    onSuccess: (settings) => queryClient.setQueryData(getCrmSettingsQueryOptions().queryKey, settings),
  });
}
