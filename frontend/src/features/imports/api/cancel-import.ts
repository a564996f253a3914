import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { importQueryKey, type Import } from './get-import';

/** POST /api/v1/imports/{id}/cancel: a running import stops within two seconds. */
export function cancelImport(id: string): Promise<Import> {
  return unwrap(apiClient.POST('/imports/{id}/cancel', { params: { path: { id } } }));
}

export function useCancelImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelImport,
    onSuccess: (imp) => queryClient.setQueryData(importQueryKey(imp.id), imp),
  });
}
