import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';
import { importQueryKey, type Import } from './get-import';

/**
 * POST /api/v1/imports/{id}/start[?dry_run=true] (or /admin/imports/…): queues the job (a dry run
 * writes no contacts).
 */
export function startImport(scope: ImportScope, { id, dryRun = false }: { id: string; dryRun?: boolean }): Promise<Import> {
  const init = { params: { path: { id }, query: dryRun ? { dry_run: true } : undefined } };
  return unwrap(
    scope === 'platform'
      ? apiClient.POST('/admin/imports/{id}/start', init)
      : apiClient.POST('/imports/{id}/start', init),
  );
}

export function useStartImport(scope: ImportScope) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: { id: string; dryRun?: boolean }) => startImport(scope, variables),
    onSuccess: (imp) => {
      queryClient.setQueryData(importQueryKey(scope, imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: ['imports', scope, 'records', imp.id] });
      void queryClient.invalidateQueries({ queryKey: ['imports', scope, 'list'] });
    },
  });
}
