import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';

export type ImportRecord = components['schemas']['ImportRecord'];
export type ImportRecordList = components['schemas']['ImportRecordList'];
export type ImportOutcome = ImportRecord['outcome'];
/** Which records a list shows: the rows of one outcome, or (`with_warnings`) those imported without some values. */
export type ImportRecordsView = ImportOutcome | 'with_warnings';

const pageSize = 50;

/**
 * GET /api/v1/imports/{id}/records?outcome= or ?has_warnings=true (or /admin/imports/…): what
 * happened to each row, in row order.
 */
export function listImportRecords({
  scope,
  id,
  view,
  cursor,
  signal,
}: {
  scope: ImportScope;
  id: string;
  view: ImportRecordsView;
  cursor?: string;
  signal?: AbortSignal;
}): Promise<ImportRecordList> {
  const filter = view === 'with_warnings' ? { has_warnings: true } : { outcome: view };
  const init = { params: { path: { id }, query: { ...filter, limit: pageSize, cursor: cursor || undefined } }, signal };
  return unwrap(
    scope === 'platform'
      ? apiClient.GET('/admin/imports/{id}/records', init)
      : apiClient.GET('/imports/{id}/records', init),
  );
}

export function listImportRecordsQueryOptions(scope: ImportScope, id: string, view: ImportRecordsView) {
  return infiniteQueryOptions({
    queryKey: ['imports', scope, 'records', id, view],
    queryFn: ({ pageParam, signal }) => listImportRecords({ scope, id, view, cursor: pageParam, signal }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useImportRecords(scope: ImportScope, id: string, view: ImportRecordsView) {
  return useInfiniteQuery(listImportRecordsQueryOptions(scope, id, view));
}
