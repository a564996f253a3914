import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';

export type ImportSummary = components['schemas']['ImportSummary'];
export type ImportList = components['schemas']['ImportList'];

/** GET /api/v1/imports (the tenant's) or /admin/imports (the shared database's): history, newest first. */
export function listImports(
  scope: ImportScope,
  { cursor, signal }: { cursor?: string; signal?: AbortSignal } = {},
): Promise<ImportList> {
  const init = { params: { query: { limit: 25, cursor: cursor || undefined } }, signal };
  return unwrap(scope === 'platform' ? apiClient.GET('/admin/imports', init) : apiClient.GET('/imports', init));
}

export function listImportsQueryOptions(scope: ImportScope) {
  return infiniteQueryOptions({
    queryKey: ['imports', scope, 'list'],
    queryFn: ({ pageParam, signal }) => listImports(scope, { cursor: pageParam, signal }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

/** The history; refreshed every few seconds while one of the loaded imports is still running. */
export function useImports(scope: ImportScope) {
  return useInfiniteQuery({
    ...listImportsQueryOptions(scope),
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((i) => i.status === 'queued' || i.status === 'running'))
        ? 3000
        : false,
  });
}
