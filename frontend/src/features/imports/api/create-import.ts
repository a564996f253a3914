import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { paths } from '@/api/schema';
import { postFormWithProgress, type UploadProgress } from '@/lib/upload';

import type { ImportScope } from '../scope';
import { importQueryKey, type Import } from './get-import';

/**
 * POST /api/v1/imports (or /admin/imports): uploads the file (multipart, part "file") and answers
 * the preflight. Files run to hundreds of megabytes, so the upload reports its progress, which
 * needs XMLHttpRequest (`postFormWithProgress`: same bearer token, 401 → refresh → replay and
 * problem+json errors as the API client).
 */
export async function createImport(
  scope: ImportScope,
  file: File,
  onProgress: (progress: UploadProgress) => void = () => {},
): Promise<Import> {
  const form = new FormData();
  form.append('file', file, file.name);
  const path: keyof paths = scope === 'platform' ? '/admin/imports' : '/imports';
  const response = await postFormWithProgress(path, form, onProgress);
  return (await response.json()) as Import;
}

export function useCreateImport(scope: ImportScope, { onProgress }: { onProgress?: (progress: UploadProgress) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => createImport(scope, file, onProgress),
    onSuccess: (imp) => {
      queryClient.setQueryData(importQueryKey(scope, imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: ['imports', scope, 'list'] });
    },
  });
}
