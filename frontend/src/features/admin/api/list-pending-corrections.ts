import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type PendingCorrection = components['schemas']['Correction'];
export type CorrectionList = components['schemas']['CorrectionList'];

/** GET /api/v1/admin/corrections: pending corrections of every tenant, oldest first (platform:read). */
export function listPendingCorrections(
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<CorrectionList> {
  return unwrap(apiClient.GET('/admin/corrections', { params: { query: { cursor, page_size: 50 } }, signal }));
}

export function listPendingCorrectionsQueryOptions() {
  return infiniteQueryOptions({
    queryKey: ['admin', 'corrections'],
    queryFn: ({ pageParam, signal }) => listPendingCorrections(pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function usePendingCorrections() {
  return useInfiniteQuery(listPendingCorrectionsQueryOptions());
}
