import {
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import { shouldRetry } from '@/lib/react-query';
import { getUsageQueryOptions, type Usage } from '@/lib/usage/get-usage';

export type Contact = components['schemas']['Contact'];
export type SearchFilters = components['schemas']['SearchFilters'];
export type SearchSort = NonNullable<components['schemas']['SearchRequest']['sort']>;
export type SearchResponse = components['schemas']['SearchResponse'];
export type Facets = components['schemas']['Facets'];
export type FacetCount = components['schemas']['FacetCount'];

/**
 * The monthly search quota as the X-Quota-Searches-* headers of the last search reported it
 * (`limit` -1 after a 429 when no search before it reported how large the quota is).
 */
export type SearchQuota = { limit: number; used: number; remaining: number; resetAt: string | undefined };

export type SearchPage = SearchResponse & { quota: SearchQuota | null };

export type SearchParams = {
  query: string;
  filters: SearchFilters;
  sort: SearchSort;
  /** 1 to the package's max_contacts_per_query; the server's default (25, capped) when missing. */
  pageSize?: number;
};

/** Reads X-Quota-Searches-{Limit,Used,Remaining,Reset}; null when the server sent none. */
export function readSearchQuota(headers: Headers): SearchQuota | null {
  const remaining = headers.get('X-Quota-Searches-Remaining');
  if (remaining === null || remaining.trim() === '' || Number.isNaN(Number(remaining))) return null;
  const number = (name: string) => {
    const value = Number(headers.get(name));
    return Number.isFinite(value) ? value : 0;
  };
  return {
    remaining: Number(remaining),
    limit: number('X-Quota-Searches-Limit'),
    used: number('X-Quota-Searches-Used'),
    resetAt: headers.get('X-Quota-Searches-Reset') ?? undefined,
  };
}

/**
 * POST /api/v1/contacts/search. Without `cursor` it is a new search and uses one unit of the
 * monthly searches quota; with the previous page's `next_cursor` (same query, filters and sort) it
 * is the next page, free. Facets are asked for on the first page only.
 */
export async function searchContacts(
  params: SearchParams,
  cursor: string | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<SearchPage> {
  const result = apiClient.POST('/contacts/search', {
    body: {
      query: params.query || undefined,
      filters: params.filters,
      sort: params.sort,
      page_size: params.pageSize,
      cursor,
      facets: cursor ? undefined : true,
    },
    signal,
  });
  const data = await unwrap(result);
  const { response } = await result;
  return { ...data, quota: readSearchQuota(response.headers) };
}

/** Where the last reported quota is kept (outside ['contacts', 'search'], which holds results). */
export const searchQuotaQueryKey = ['contacts', 'search-quota'] as const;

/** A 429 `quota-exceeded` of the searches quota (other 429s are plain rate limits). */
export function isQuotaExceeded(error: unknown): boolean {
  return isApiError(error) && error.status === 429 && error.type === 'quota-exceeded';
}

export function searchContactsQueryOptions(
  params: SearchParams,
  onQuota?: (quota: SearchQuota | ((previous: SearchQuota | undefined) => SearchQuota | undefined)) => void,
) {
  return infiniteQueryOptions({
    queryKey: ['contacts', 'search', params],
    queryFn: async ({ pageParam, signal }) => {
      try {
        const page = await searchContacts(params, pageParam, { signal });
        if (page.quota) onQuota?.(page.quota);
        return page;
      } catch (error) {
        if (isQuotaExceeded(error)) {
          // The server sends X-Quota-Searches-* on the 429 too (and limit/used/remaining in the
          // problem), but ApiError keeps neither: what is known here is that nothing is left
          // (limit -1 when no earlier search of this page load reported it).
          onQuota?.((previous) => ({ limit: previous?.limit ?? -1, used: previous?.limit ?? -1, remaining: 0, resetAt: previous?.resetAt }));
        }
        throw error;
      }
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
    // A used-up quota stays used up until the month turns: no retries for it.
    retry: (failureCount, error) => !isQuotaExceeded(error) && shouldRetry(failureCount, error),
    // Asking again costs quota: a search seen in the last minutes is shown from the cache.
    staleTime: 10 * 60_000,
    gcTime: 15 * 60_000,
    // Nor does coming back to the tab: a search spends quota, and the user asks for a new one.
    refetchOnWindowFocus: false,
  });
}

/**
 * Keeps the quota the last search reported, and the searches meter of GET /tenant/usage with it:
 * the Billing page reads that cache, which otherwise showed the month's searches from before this
 * one until it went stale.
 */
function recordSearchQuota(
  queryClient: QueryClient,
  update: SearchQuota | ((previous: SearchQuota | undefined) => SearchQuota | undefined),
) {
  const quota = queryClient.setQueryData<SearchQuota>(searchQuotaQueryKey, update);
  if (!quota) return;
  queryClient.setQueryData<Usage>(getUsageQueryOptions().queryKey, (usage) =>
    usage
      ? {
          ...usage,
          quotas: usage.quotas.map((q) => {
            if (q.metric !== 'searches') return q;
            // After a 429 whose size this page load did not learn: the meter's own limit, used up.
            if (quota.limit < 0) return { ...q, used: q.limit, remaining: 0 };
            return { ...q, limit: quota.limit, used: quota.used, remaining: quota.remaining };
          }),
        }
      : usage,
  );
}

/**
 * The search results by cursor pages. The previous results stay on screen (dimmed by the caller)
 * while a changed search loads, so the table does not flash empty on every keystroke.
 */
export function useSearchContacts(params: SearchParams, { enabled = true }: { enabled?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useInfiniteQuery({
    ...searchContactsQueryOptions(params, (quota) => recordSearchQuota(queryClient, quota)),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** The quota the last search reported, or null before the first search of this page load. */
export function useSearchQuota(): SearchQuota | null {
  const queryClient = useQueryClient();
  const { data } = useQuery({
    queryKey: searchQuotaQueryKey,
    queryFn: () => queryClient.getQueryData<SearchQuota>(searchQuotaQueryKey) ?? null,
    enabled: false,
    staleTime: Infinity,
  });
  return data ?? null;
}
