import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { importQueryKey, type Import } from './get-import';

/**
 * POST /api/v1/imports: uploads the file (multipart, part "file") and answers the preflight.
 * openapi-fetch leaves FormData alone (the browser sets the boundary), and going through the API
 * client keeps the bearer token and the 401 → refresh → replay path.
 */
export function createImport(file: File): Promise<Import> {
  const form = new FormData();
  form.append('file', file, file.name);
  return unwrap(
    apiClient.POST('/imports', {
      // The generated body type is a `{ file: string }` object; the real body is multipart.
      body: form as unknown as { file: string },
      bodySerializer: (body) => body as unknown as FormData,
    }),
  );
}

export function useCreateImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createImport,
    onSuccess: (imp) => {
      queryClient.setQueryData(importQueryKey(imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });
}
