import { infiniteQueryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { correctionsQueryKeyPrefix } from '../contact-cache';

export type TenantCorrection = components['schemas']['Correction'];
export type CorrectionStatus = TenantCorrection['status'];
export type CorrectionsFilter = { status?: CorrectionStatus; contactId?: string };

/** GET /api/v1/corrections: the organization's corrections, newest first (contacts:read). */
export function listCorrections(
  filter: CorrectionsFilter,
  cursor: string | undefined,
  { signal, pageSize = 25 }: { signal?: AbortSignal; pageSize?: number } = {},
): Promise<components['schemas']['CorrectionList']> {
  return unwrap(
    apiClient.GET('/corrections', {
      params: { query: { status: filter.status, contact_id: filter.contactId, cursor, page_size: pageSize } },
      signal,
    }),
  );
}

export function listCorrectionsQueryOptions(filter: CorrectionsFilter) {
  return infiniteQueryOptions({
    queryKey: [...correctionsQueryKeyPrefix, filter.status ?? '', filter.contactId ?? ''],
    queryFn: ({ pageParam, signal }) => listCorrections(filter, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useCorrections(filter: CorrectionsFilter) {
  return useInfiniteQuery(listCorrectionsQueryOptions(filter));
}

/**
 * A contact's pending corrections (a contact has at most one per field), for the drawer to say which
 * changed in the shared record since they were filed. Asked only while `enabled`.
 */
export function usePendingCorrectionsOf(contactId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...correctionsQueryKeyPrefix, 'pending', contactId, 'of'],
    queryFn: ({ signal }) => listCorrections({ status: 'pending', contactId }, undefined, { signal, pageSize: 100 }),
    enabled,
  });
}
