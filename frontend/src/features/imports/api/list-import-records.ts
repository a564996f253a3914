import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import type { ImportScope } from '../scope';

export type ImportRecord = components['schemas']['ImportRecord'];
export type ImportRecordList = components['schemas']['ImportRecordList'];
export type ImportOutcome = ImportRecord['outcome'];

const pageSize = 50;

/** GET /api/v1/imports/{id}/records?outcome= (or /admin/imports/…): what happened to each row, in row order. */
export function listImportRecords({
  scope,
  id,
  outcome,
  cursor,
  signal,
}: {
  scope: ImportScope;
  id: string;
  outcome: ImportOutcome;
  cursor?: string;
  signal?: AbortSignal;
}): Promise<ImportRecordList> {
  const init = { params: { path: { id }, query: { outcome, limit: pageSize, cursor: cursor || undefined } }, signal };
  return unwrap(
    scope === 'platform'
      ? apiClient.GET('/admin/imports/{id}/records', init)
      : apiClient.GET('/imports/{id}/records', init),
  );
}

export function listImportRecordsQueryOptions(scope: ImportScope, id: string, outcome: ImportOutcome) {
  return infiniteQueryOptions({
    queryKey: ['imports', scope, 'records', id, outcome],
    queryFn: ({ pageParam, signal }) => listImportRecords({ scope, id, outcome, cursor: pageParam, signal }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useImportRecords(scope: ImportScope, id: string, outcome: ImportOutcome) {
  return useInfiniteQuery(listImportRecordsQueryOptions(scope, id, outcome));
}
