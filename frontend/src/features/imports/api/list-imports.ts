import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type ImportSummary = components['schemas']['ImportSummary'];
export type ImportList = components['schemas']['ImportList'];

/** GET /api/v1/imports: the tenant's import history, newest first. */
export function listImports(
  { cursor, signal }: { cursor?: string; signal?: AbortSignal } = {},
): Promise<ImportList> {
  return unwrap(apiClient.GET('/imports', { params: { query: { limit: 25, cursor: cursor || undefined } }, signal }));
}

export function listImportsQueryOptions() {
  return infiniteQueryOptions({
    queryKey: ['imports', 'list'],
    queryFn: ({ pageParam, signal }) => listImports({ cursor: pageParam, signal }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

/** The history; refreshed every few seconds while one of the loaded imports is still running. */
export function useImports() {
  return useInfiniteQuery({
    ...listImportsQueryOptions(),
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((i) => i.status === 'queued' || i.status === 'running'))
        ? 3000
        : false,
  });
}
