import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { getCrmPush, isPushSettled, pushPollIntervalMs, type CrmPushItemStatus } from '@/lib/crm/get-crm-push';
import { crmQueryKey } from '@/lib/crm/query-keys';

const itemsPerPage = 100;

/**
 * One push with its contacts, page by page (GET /api/v1/crm/pushes/{id}?items_cursor=…), each with
 * every attempt and the CRM's answer. Read again every second while the push runs.
 */
export function crmPushItemsQueryOptions(id: string, itemStatus: CrmPushItemStatus | undefined) {
  return infiniteQueryOptions({
    queryKey: [...crmQueryKey, 'pushes', id, 'items', itemStatus ?? 'all'],
    queryFn: ({ pageParam, signal }) =>
      getCrmPush(id, { itemStatus, itemsLimit: itemsPerPage, itemsCursor: pageParam }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_items_cursor || undefined,
    refetchInterval: (query) => {
      const status = query.state.data?.pages[0]?.status;
      return status && (isPushSettled(status) || status === 'paused') ? false : pushPollIntervalMs * 2;
    },
  });
}

export function useCrmPushItems(id: string, itemStatus: CrmPushItemStatus | undefined) {
  return useInfiniteQuery(crmPushItemsQueryOptions(id, itemStatus));
}
