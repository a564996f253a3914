import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { getUsageQueryOptions } from '@/lib/usage/get-usage';

import type { ImportScope } from '../scope';

export type Import = components['schemas']['Import'];

export const importQueryKey = (scope: ImportScope, id: string) => ['imports', scope, 'detail', id] as const;

/** Whether the import's job is queued or running (its progress still moves). */
export function isImportActive(imp: Pick<Import, 'status'> | undefined): boolean {
  return imp?.status === 'queued' || imp?.status === 'running';
}

/** GET /api/v1/imports/{id} (or /admin/imports/{id}): preflight, mapping, preview, status and progress. */
export function getImport(scope: ImportScope, id: string, { signal }: { signal?: AbortSignal } = {}): Promise<Import> {
  const params = { path: { id } };
  return unwrap(
    scope === 'platform'
      ? apiClient.GET('/admin/imports/{id}', { params, signal })
      : apiClient.GET('/imports/{id}', { params, signal }),
  );
}

export function getImportQueryOptions(scope: ImportScope, id: string) {
  return queryOptions({ queryKey: importQueryKey(scope, id), queryFn: ({ signal }) => getImport(scope, id, { signal }) });
}

/**
 * The import, polled every `pollInterval` ms while its job is queued or running, then not at all.
 * When a run ends, the month's usage is read again: its rows were metered as it went.
 */
export function useImport(scope: ImportScope, id: string, { pollInterval = 1000 }: { pollInterval?: number } = {}) {
  const query = useQuery({
    ...getImportQueryOptions(scope, id),
    refetchInterval: (q) => (isImportActive(q.state.data) ? pollInterval : false),
    refetchIntervalInBackground: true,
  });
  const active = isImportActive(query.data);
  const wasActive = useRef(active);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (wasActive.current && !active) void queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey });
    wasActive.current = active;
  }, [active, queryClient]);
  return query;
}
