import { useMutation } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { downloadBlob } from '@/lib/download';

import type { ImportScope } from '../scope';

/**
 * GET /api/v1/imports/{id}/errors.csv (or /admin/imports/…): the invalid rows with their original
 * columns and an error column. Fetched through the API client (bearer token, refresh on 401), then
 * handed to downloads.
 */
export async function downloadImportErrors(scope: ImportScope, id: string): Promise<{ blob: Blob; filename: string }> {
  const init = { params: { path: { id } }, parseAs: 'blob' as const };
  const blob = await unwrap(
    scope === 'platform'
      ? apiClient.GET('/admin/imports/{id}/errors.csv', init)
      : apiClient.GET('/imports/{id}/errors.csv', init),
  );
  return { blob, filename: `import-${id}-errors.csv` };
}

export function useDownloadImportErrors(scope: ImportScope) {
  return useMutation({
    mutationFn: (id: string) => downloadImportErrors(scope, id),
    onSuccess: ({ blob, filename }) => downloadBlob(blob, filename),
  });
}
