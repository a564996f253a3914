import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';
import { importQueryKey, type Import } from './get-import';

/** POST /api/v1/imports/{id}/cancel (or /admin/imports/…): a running import stops within two seconds. */
export function cancelImport(scope: ImportScope, id: string): Promise<Import> {
  const params = { path: { id } };
  return unwrap(
    scope === 'platform'
      ? apiClient.POST('/admin/imports/{id}/cancel', { params })
      : apiClient.POST('/imports/{id}/cancel', { params }),
  );
}

export function useCancelImport(scope: ImportScope) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => cancelImport(scope, id),
    onSuccess: (imp) => queryClient.setQueryData(importQueryKey(scope, imp.id), imp),
  });
}
