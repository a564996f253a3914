import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient } from '@/lib/api-client';

import type { ImportScope } from '../scope';
import { importQueryKey, type Import } from './get-import';

/**
 * Whether the import can be discarded: it never started (uploaded, a dry run that ended, or
 * cancelled before a worker took it up: no `started_at`; none wrote a contact). One queued, running
 * or run (also cancelled once it ran) stays in the history (the server answers 409).
 */
export function isImportDiscardable(imp: Pick<Import, 'status' | 'dry_run' | 'started_at'>): boolean {
  return (
    imp.status === 'uploaded' ||
    (imp.dry_run && imp.status !== 'queued' && imp.status !== 'running') ||
    (imp.status === 'cancelled' && imp.started_at === null)
  );
}

/** DELETE /api/v1/imports/{id} (or /admin/imports/…): the import and its stored file go. */
export async function deleteImport(scope: ImportScope, id: string): Promise<void> {
  const params = { path: { id } };
  await (scope === 'platform'
    ? apiClient.DELETE('/admin/imports/{id}', { params })
    : apiClient.DELETE('/imports/{id}', { params }));
}

export function useDeleteImport(scope: ImportScope) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteImport(scope, id),
    onSuccess: async (_, id) => {
      // A discarded import would be a 404: its query is never refetched. One a page still shows
      // (which moves on to the history) is left to expire once that page has gone.
      const key = importQueryKey(scope, id);
      await queryClient.cancelQueries({ queryKey: key });
      queryClient.removeQueries({ queryKey: key, predicate: (q) => q.getObserversCount() === 0 });
      await queryClient.invalidateQueries({ queryKey: ['imports', scope, 'list'] });
    },
  });
}
