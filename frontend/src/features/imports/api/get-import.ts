import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Import = components['schemas']['Import'];

export const importQueryKey = (id: string) => ['imports', 'detail', id] as const;

/** Whether the import's job is queued or running (its progress still moves). */
export function isImportActive(imp: Pick<Import, 'status'> | undefined): boolean {
  return imp?.status === 'queued' || imp?.status === 'running';
}

/** GET /api/v1/imports/{id}: preflight, mapping, preview, status and progress. */
export function getImport(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<Import> {
  return unwrap(apiClient.GET('/imports/{id}', { params: { path: { id } }, signal }));
}

export function getImportQueryOptions(id: string) {
  return queryOptions({ queryKey: importQueryKey(id), queryFn: ({ signal }) => getImport(id, { signal }) });
}

/** The import, polled every `pollInterval` ms while its job is queued or running, then not at all. */
export function useImport(id: string, { pollInterval = 1000 }: { pollInterval?: number } = {}) {
  return useQuery({
    ...getImportQueryOptions(id),
    refetchInterval: (query) => (isImportActive(query.state.data) ? pollInterval : false),
    refetchIntervalInBackground: true,
  });
}
