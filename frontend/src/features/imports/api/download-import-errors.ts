import { useMutation } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { downloadBlob } from '../download';

/**
 * GET /api/v1/imports/{id}/errors.csv: the invalid rows with their original columns and an error
 * column. Fetched through the API client (bearer token, refresh on 401), then handed to downloads.
 */
export async function downloadImportErrors(id: string): Promise<{ blob: Blob; filename: string }> {
  const blob = await unwrap(apiClient.GET('/imports/{id}/errors.csv', { params: { path: { id } }, parseAs: 'blob' }));
  return { blob, filename: `import-${id}-errors.csv` };
}

export function useDownloadImportErrors() {
  return useMutation({
    mutationFn: downloadImportErrors,
    onSuccess: ({ blob, filename }) => downloadBlob(blob, filename),
  });
}
