import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { savedQueryKeyPrefix } from '../contact-cache';

export type SavedPage = components['schemas']['SavedPage'];
export type SavedStatus = 'saved' | 'approved' | 'rejected';

/** The saved view's filters, as the Saved page offers them. */
export type SavedFilter = {
  q?: string;
  status?: SavedStatus[];
  listId?: string;
  seniorities?: string[];
  countries?: string[];
};

/**
 * The query string of GET /saved-contacts and its CSV export: empty filters are left out, and
 * several values repeat the parameter (?seniorities=vp&seniorities=director).
 */
export function savedQuery(filter: SavedFilter) {
  const many = <T extends string>(values: T[] | undefined) => (values && values.length > 0 ? values : undefined);
  return {
    q: filter.q?.trim() || undefined,
    status: many(filter.status),
    list_id: filter.listId || undefined,
    seniorities: many(filter.seniorities),
    countries: many(filter.countries),
  };
}

/** GET /api/v1/saved-contacts: newest saved first, by cursor pages. */
export function listSaved(
  filter: SavedFilter,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<SavedPage> {
  return unwrap(apiClient.GET('/saved-contacts', { params: { query: { ...savedQuery(filter), cursor } }, signal }));
}

export function listSavedQueryOptions(filter: SavedFilter) {
  return infiniteQueryOptions({
    queryKey: [...savedQueryKeyPrefix, savedQuery(filter)],
    queryFn: ({ pageParam, signal }) => listSaved(filter, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useSavedContacts(filter: SavedFilter) {
  return useInfiniteQuery({ ...listSavedQueryOptions(filter), placeholderData: keepPreviousData });
}
