import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { crmQueryKey } from './query-keys';

export type CrmPush = components['schemas']['CRMPush'];
export type CrmPushDetail = components['schemas']['CRMPushDetail'];
export type CrmPushItem = components['schemas']['CRMPushItem'];
export type CrmPushAttempt = components['schemas']['CRMPushAttempt'];
export type CrmPushStatus = CrmPush['status'];
export type CrmPushItemStatus = CrmPushItem['status'];

export type CrmPushItemsQuery = {
  /** Only contacts in this status. */
  itemStatus?: CrmPushItemStatus;
  /** Contacts per page (1–500; the server's default is 100). */
  itemsLimit?: number;
  itemsCursor?: string;
};

/**
 * GET /api/v1/crm/pushes/{id} (crm:read): a push with its live counts and a page of its contacts,
 * each with every attempt and the CRM's answer.
 */
export function getCrmPush(
  id: string,
  { itemStatus, itemsLimit, itemsCursor }: CrmPushItemsQuery = {},
  { signal }: { signal?: AbortSignal } = {},
): Promise<CrmPushDetail> {
  return unwrap(
    apiClient.GET('/crm/pushes/{id}', {
      params: {
        path: { id },
        query: { item_status: itemStatus, items_limit: itemsLimit, items_cursor: itemsCursor || undefined },
      },
      signal,
    }),
  );
}

/** A push is over when nothing of it waits to be sent (a paused push waits for a reconnect). */
export function isPushSettled(status: CrmPushStatus): boolean {
  return status === 'completed' || status === 'completed_with_errors' || status === 'cancelled';
}

/**
 * Contacts the push sends (planned to be created or updated in the CRM), and how many of them are
 * settled: all but those still queued or paused. A contact decided again at send time (no longer
 * approved, or its content already in the CRM) settles as rejected or skipped, which the plan's
 * counts share with contacts never planned to be sent, so the open ones are what is counted.
 */
export function pushProgress(push: Pick<CrmPush, 'to_create' | 'to_update' | 'queued' | 'paused'>) {
  const toSend = push.to_create + push.to_update;
  const done = Math.max(0, toSend - push.queued - push.paused);
  return { toSend, done, percent: toSend === 0 ? 100 : Math.round((done / toSend) * 100) };
}

/** How often a push that is still running is read again. */
export const pushPollIntervalMs = 1_000;

/** The push's counts only (one contact per page), read again every second until it settles. */
export function crmPushProgressQueryOptions(id: string) {
  return queryOptions({
    queryKey: [...crmQueryKey, 'pushes', id, 'progress'],
    queryFn: ({ signal }) => getCrmPush(id, { itemsLimit: 1 }, { signal }),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status && (isPushSettled(status) || status === 'paused') ? false : pushPollIntervalMs;
    },
  });
}

export function useCrmPushProgress(id: string | null) {
  return useQuery({ ...crmPushProgressQueryOptions(id ?? ''), enabled: id !== null });
}
