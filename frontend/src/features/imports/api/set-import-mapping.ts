import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';
import { importQueryKey, type Import } from './get-import';

export type ImportMappingRequest = components['schemas']['ImportMappingRequest'];

/** PUT /api/v1/imports/{id}/mapping (or /admin/imports/…): replaces mapping and options; answers the new preview. */
export function setImportMapping(
  scope: ImportScope,
  { id, mapping }: { id: string; mapping: ImportMappingRequest },
): Promise<Import> {
  const init = { params: { path: { id } }, body: mapping };
  return unwrap(
    scope === 'platform'
      ? apiClient.PUT('/admin/imports/{id}/mapping', init)
      : apiClient.PUT('/imports/{id}/mapping', init),
  );
}

export function useSetImportMapping(scope: ImportScope) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: { id: string; mapping: ImportMappingRequest }) => setImportMapping(scope, variables),
    onSuccess: (imp) => queryClient.setQueryData(importQueryKey(scope, imp.id), imp),
  });
}
