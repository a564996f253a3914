import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type AuditEventList = components['schemas']['AuditEventList'];
export type PlatformAuditFilter = { tenantId?: string; action?: string };

/** GET /api/v1/admin/audit-events: every tenant's events and platform events. */
export function listPlatformAuditEvents(
  filter: PlatformAuditFilter,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<AuditEventList> {
  return unwrap(
    apiClient.GET('/admin/audit-events', {
      params: {
        query: {
          tenant_id: filter.tenantId || undefined,
          action: filter.action || undefined,
          cursor: cursor || undefined,
          limit: 50,
        },
      },
      signal,
    }),
  );
}

export function listPlatformAuditEventsQueryOptions(filter: PlatformAuditFilter) {
  return infiniteQueryOptions({
    queryKey: ['admin', 'audit-events', filter],
    queryFn: ({ pageParam, signal }) => listPlatformAuditEvents(filter, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
    retry: false,
  });
}

export function usePlatformAuditEvents(filter: PlatformAuditFilter) {
  return useInfiniteQuery(listPlatformAuditEventsQueryOptions(filter));
}
