import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type AuditEventList = components['schemas']['AuditEventList'];

export type AuditFilter = {
  /** Exact action (`auth.login`) or a prefix ending in `*` (`member.*`). */
  action?: string;
};

const pageSize = 50;

/** GET /api/v1/tenant/audit-events: org admins only; newest first, one cursor page. */
export function listAuditEvents(
  filter: AuditFilter,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<AuditEventList> {
  return unwrap(
    apiClient.GET('/tenant/audit-events', {
      params: { query: { action: filter.action || undefined, cursor: cursor || undefined, limit: pageSize } },
      signal,
    }),
  );
}

export function listAuditEventsQueryOptions(filter: AuditFilter) {
  return infiniteQueryOptions({
    queryKey: ['tenant', 'audit-events', filter],
    queryFn: ({ pageParam, signal }) => listAuditEvents(filter, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useAuditEvents(filter: AuditFilter) {
  return useInfiniteQuery(listAuditEventsQueryOptions(filter));
}
