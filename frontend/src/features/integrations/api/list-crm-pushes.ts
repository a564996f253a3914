import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { isPushSettled, type CrmPushStatus } from '@/lib/crm/get-crm-push';
import { crmQueryKey } from '@/lib/crm/query-keys';

export type CrmPushList = components['schemas']['CRMPushList'];

export type CrmPushFilter = {
  status?: CrmPushStatus;
  /** Created at or after (RFC 3339). */
  from?: string;
  /** Created before (RFC 3339). */
  to?: string;
};

const pageSize = 25;
const refreshMs = 3_000;

/** GET /api/v1/crm/pushes (crm:read): the tenant's pushes, newest first, one cursor page. */
export function listCrmPushes(
  filter: CrmPushFilter,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<CrmPushList> {
  return unwrap(
    apiClient.GET('/crm/pushes', {
      params: {
        query: {
          status: filter.status,
          from: filter.from || undefined,
          to: filter.to || undefined,
          cursor: cursor || undefined,
          limit: pageSize,
        },
      },
      signal,
    }),
  );
}

export function listCrmPushesQueryOptions(filter: CrmPushFilter) {
  return infiniteQueryOptions({
    queryKey: [...crmQueryKey, 'pushes', 'list', filter],
    queryFn: ({ pageParam, signal }) => listCrmPushes(filter, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
    // While a push on the page is still sending, its counts are read again.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) =>
        page.items.some((push) => !isPushSettled(push.status) && push.status !== 'paused'),
      )
        ? refreshMs
        : false,
  });
}

export function useCrmPushes(filter: CrmPushFilter) {
  return useInfiniteQuery(listCrmPushesQueryOptions(filter));
}
