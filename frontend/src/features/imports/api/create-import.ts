import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';
import { importQueryKey, type Import } from './get-import';

/**
 * POST /api/v1/imports (or /admin/imports): uploads the file (multipart, part "file") and answers
 * the preflight. openapi-fetch leaves FormData alone (the browser sets the boundary), and going
 * through the API client keeps the bearer token and the 401 → refresh → replay path.
 */
export function createImport(scope: ImportScope, file: File): Promise<Import> {
  const form = new FormData();
  form.append('file', file, file.name);
  const init = {
    // The generated body type is a `{ file: string }` object; the real body is multipart.
    body: form as unknown as { file: string },
    bodySerializer: (body: unknown) => body as FormData,
  };
  return unwrap(scope === 'platform' ? apiClient.POST('/admin/imports', init) : apiClient.POST('/imports', init));
}

export function useCreateImport(scope: ImportScope) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => createImport(scope, file),
    onSuccess: (imp) => {
      queryClient.setQueryData(importQueryKey(scope, imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: ['imports', scope, 'list'] });
    },
  });
}
