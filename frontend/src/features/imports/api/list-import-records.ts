import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type ImportRecord = components['schemas']['ImportRecord'];
export type ImportRecordList = components['schemas']['ImportRecordList'];
export type ImportOutcome = ImportRecord['outcome'];

const pageSize = 50;

/** GET /api/v1/imports/{id}/records?outcome=: what happened to each row, in row order. */
export function listImportRecords({
  id,
  outcome,
  cursor,
  signal,
}: {
  id: string;
  outcome: ImportOutcome;
  cursor?: string;
  signal?: AbortSignal;
}): Promise<ImportRecordList> {
  return unwrap(
    apiClient.GET('/imports/{id}/records', {
      params: { path: { id }, query: { outcome, limit: pageSize, cursor: cursor || undefined } },
      signal,
    }),
  );
}

export function listImportRecordsQueryOptions(id: string, outcome: ImportOutcome) {
  return infiniteQueryOptions({
    queryKey: ['imports', 'records', id, outcome],
    queryFn: ({ pageParam, signal }) => listImportRecords({ id, outcome, cursor: pageParam, signal }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useImportRecords(id: string, outcome: ImportOutcome) {
  return useInfiniteQuery(listImportRecordsQueryOptions(id, outcome));
}
