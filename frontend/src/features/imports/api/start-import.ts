import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { importQueryKey, type Import } from './get-import';

/** POST /api/v1/imports/{id}/start[?dry_run=true]: queues the job (a dry run writes no contacts). */
export function startImport({ id, dryRun = false }: { id: string; dryRun?: boolean }): Promise<Import> {
  return unwrap(
    apiClient.POST('/imports/{id}/start', {
      params: { path: { id }, query: dryRun ? { dry_run: true } : undefined },
    }),
  );
}

export function useStartImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startImport,
    onSuccess: (imp) => {
      queryClient.setQueryData(importQueryKey(imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'records', imp.id] });
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });
}
