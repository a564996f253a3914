import { useMutation } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { ApiError, clientErrorCodes, isApiError } from '@/lib/api-error';
import { downloadBlob } from '@/lib/download';

import { savedQuery, type SavedFilter } from './list-saved';

export type SavedExport = { blob: Blob; filename: string };

/** `attachment; filename="saved-contacts-2026-11-28.csv"` → the file name. */
export function filenameFrom(contentDisposition: string | null, fallback: string): string {
  const match = contentDisposition?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  if (!match?.[1]) return fallback;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/**
 * GET /api/v1/saved-contacts/export: the filtered saved view as CSV. Fetched through the API
 * client, so it carries the bearer token (a plain link could not) and survives a token refresh.
 */
export async function exportSaved(filter: SavedFilter): Promise<SavedExport> {
  const query = savedQuery(filter);
  // With a byte order mark: the file is for a spreadsheet, and Excel reads UTF-8 without one as the
  // local code page, mangling every accent.
  const result = apiClient.GET('/saved-contacts/export', { params: { query: { ...query, bom: true } }, parseAs: 'blob' });
  let blob: Blob;
  try {
    blob = await unwrap(result);
  } catch (error) {
    if (isApiError(error) || (error instanceof DOMException && error.name === 'AbortError')) throw error;
    // The 200 came, then the body broke off: the server cuts the connection when the export fails
    // midway (rather than end a short file as if whole), or the network went.
    throw new ApiError({
      status: 0,
      code: clientErrorCodes.network,
      title: 'The download was cut short',
      detail: 'The file did not arrive whole, so it was not saved. Try again.',
      cause: error,
    });
  }
  const { response } = await result;
  const today = new Date().toISOString().slice(0, 10);
  return { blob, filename: filenameFrom(response.headers.get('Content-Disposition'), `saved-contacts-${today}.csv`) };
}

/** Exports and hands the file to the browser's downloads. */
export function useExportSaved() {
  return useMutation({
    mutationFn: exportSaved,
    onSuccess: ({ blob, filename }) => downloadBlob(blob, filename),
  });
}
