import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { importQueryKey, type Import } from './get-import';

export type ImportMappingRequest = components['schemas']['ImportMappingRequest'];

/** PUT /api/v1/imports/{id}/mapping: replaces mapping and options; answers the new preview. */
export function setImportMapping({ id, mapping }: { id: string; mapping: ImportMappingRequest }): Promise<Import> {
  return unwrap(apiClient.PUT('/imports/{id}/mapping', { params: { path: { id } }, body: mapping }));
}

export function useSetImportMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setImportMapping,
    onSuccess: (imp) => queryClient.setQueryData(importQueryKey(imp.id), imp),
  });
}
