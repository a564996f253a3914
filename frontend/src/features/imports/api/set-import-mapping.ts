import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';
import { importQueryKey, type Import } from './get-import';

type ImportMappingBody = components['schemas']['ImportMappingRequest'];

/**
 * The PUT body as the wizard keeps it: the server defaults match_keys, mode and overwrite when they
 * are left out, but the wizard always has them (from the import's mapping) and sends them.
 */
export type ImportMappingRequest = ImportMappingBody & Required<Pick<ImportMappingBody, 'match_keys' | 'mode' | 'overwrite'>>;

/** A contact field a column maps to, "" to ignore the column. */
export type ImportField = ImportMappingBody['columns'][number];

/** A key that finds an existing contact. */
export type MatchKey = ImportMappingRequest['match_keys'][number];

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
