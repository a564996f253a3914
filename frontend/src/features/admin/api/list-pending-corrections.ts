import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components, operations } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type PendingCorrection = components['schemas']['Correction'];
export type CorrectionQueue = components['schemas']['CorrectionQueue'];
export type CorrectionField = NonNullable<NonNullable<operations['listPendingCorrections']['parameters']['query']>['field']>;
/** The review queue's filters: one tenant's corrections, one field's (both when both are set). */
export type CorrectionQueueFilter = { tenantId?: string; field?: CorrectionField };

/** GET /api/v1/admin/corrections: pending corrections of every tenant (or one), oldest first (platform:read). */
export function listPendingCorrections(
  filter: CorrectionQueueFilter,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<CorrectionQueue> {
  return unwrap(
    apiClient.GET('/admin/corrections', {
      params: {
        query: { tenant_id: filter.tenantId || undefined, field: filter.field || undefined, cursor, page_size: 50 },
      },
      signal,
    }),
  );
}

/** Every filter's queue shares the prefix ['admin', 'corrections']: a review updates them all. */
export const pendingCorrectionsKey = ['admin', 'corrections'] as const;

export function listPendingCorrectionsQueryOptions(filter: CorrectionQueueFilter = {}) {
  return infiniteQueryOptions({
    queryKey: [...pendingCorrectionsKey, { tenantId: filter.tenantId || '', field: filter.field || '' }],
    queryFn: ({ pageParam, signal }) => listPendingCorrections(filter, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
    retry: false,
  });
}

export function usePendingCorrections(filter: CorrectionQueueFilter = {}) {
  return useInfiniteQuery(listPendingCorrectionsQueryOptions(filter));
}
