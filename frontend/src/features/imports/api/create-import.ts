import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { paths } from '@/api/schema';
import { postFormWithProgress, type UploadProgress } from '@/lib/upload';

import type { ImportScope } from '../scope';
import { deleteImport, isImportDiscardable } from './delete-import';
import { importQueryKey, type Import } from './get-import';

/**
 * The files uploaded in this tab, by the id of the import each became: a workbook is converted on
 * upload and only its CSV is kept, so reading another of its sheets uploads the file again. A
 * File is a handle on the user's file, not a copy; a few are kept, and none survive a reload.
 */
const uploaded = new Map<string, File>();
const keptFiles = 5;

function remember(id: string, file: File) {
  uploaded.set(id, file);
  for (const old of uploaded.keys()) {
    if (uploaded.size <= keptFiles) break;
    uploaded.delete(old);
  }
}

/** The file the import `id` was uploaded from in this tab, if it is still known. */
export function uploadedFile(id: string): File | undefined {
  return uploaded.get(id);
}

/**
 * POST /api/v1/imports (or /admin/imports): uploads the file (multipart, part "file", after the
 * part "sheet" when a workbook's sheet is chosen) and answers the preflight. Files run to hundreds
 * of megabytes, so the upload reports its progress, which needs XMLHttpRequest
 * (`postFormWithProgress`: same bearer token, 401 → refresh → replay and problem+json errors as
 * the API client).
 */
export async function createImport(
  scope: ImportScope,
  file: File,
  onProgress: (progress: UploadProgress) => void = () => {},
  sheet?: string,
): Promise<Import> {
  const form = new FormData();
  // The server streams the file: the sheet to read must come first.
  if (sheet !== undefined) form.append('sheet', sheet);
  form.append('file', file, file.name);
  const path: keyof paths = scope === 'platform' ? '/admin/imports' : '/imports';
  const response = await postFormWithProgress(path, form, onProgress);
  const imp = (await response.json()) as Import;
  remember(imp.id, file);
  return imp;
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

/**
 * Uploads a workbook again to read another of its sheets: a new import with its own preflight,
 * which replaces `replaces` (the import of the sheet read before). Once the new upload succeeded
 * the replaced import is discarded, if it never started, so that the history holds one import per
 * file the user meant; a failed upload keeps it. A failed discard (the connection dropped) leaves
 * it in the history, where it can be discarded by hand: the new import is what the user asked for.
 */
export function useCreateImportFromSheet(scope: ImportScope) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ file, sheet, replaces }: { file: File; sheet: string; replaces?: Import }) => {
      const imp = await createImport(scope, file, undefined, sheet);
      if (replaces && isImportDiscardable(replaces)) {
        // Its cached copy stays until unused (the page showing it is about to move to the new one).
        try {
          await deleteImport(scope, replaces.id);
        } catch {
          // Kept in the history (see above).
        }
      }
      return imp;
    },
    onSuccess: (imp) => {
      queryClient.setQueryData(importQueryKey(scope, imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: ['imports', scope, 'list'] });
    },
  });
}
