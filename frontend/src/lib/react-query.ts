import { focusManager, QueryClient, type DefaultOptions, type Query } from '@tanstack/react-query';

import { isApiError } from './api-error';

const maxRetries = 2;

/**
 * Retries only what a retry can fix: no answer at all, or a 5xx/429. A 4xx says the request itself
 * is wrong (or the user may not make it), and asking again changes nothing.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= maxRetries) return false;
  if (!isApiError(error)) return false;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

/**
 * Query meta (`meta: { [keepOnSessionChange]: true }`) for an answer that is the same whoever is
 * signed in, and that asking again may not give: the preview of an invitation, whose token is used
 * up once accepted (asked again, the server says 404). The app resets every other query when the
 * signed-in user or tenant changes.
 */
export const keepOnSessionChange = 'keepOnSessionChange';

/**
 * How old a page's data must be for the tab coming back into view to read it again. Others change
 * what a page shows (a colleague accepts an invitation, an admin changes a role, an import finishes
 * in another tab), and nothing tells this tab: the user who comes back to it sees it current. A
 * glance at another tab and straight back does not send every request again.
 */
export const refetchOnReturnAfterMs = 5_000;

/**
 * The default `refetchOnWindowFocus`: when the tab or window comes back (see {@link listenForReturn}),
 * every query on screen whose data is older than {@link refetchOnReturnAfterMs} is read again, even
 * one whose staleTime has not run out (the staleTime says how long to trust the cache when a page
 * asks for it, not whether someone else changed it meanwhile). Queries whose asking costs
 * something (a search spends quota) or cannot give the same answer twice (an invitation's token)
 * set `refetchOnWindowFocus: false` themselves.
 */
export function refetchOnReturn(query: Query, now: number = Date.now()): boolean | 'always' {
  if (query.state.dataUpdatedAt === 0 && query.state.errorUpdatedAt === 0) return false;
  const updatedAt = Math.max(query.state.dataUpdatedAt, query.state.errorUpdatedAt);
  return now - updatedAt >= refetchOnReturnAfterMs ? 'always' : false;
}

/**
 * What counts as the user coming back: the tab becoming visible again (TanStack Query's own
 * signal) or the window getting focus (a window next to another one is visible all along). Both
 * fire on a tab switch; the second finds the first's requests still running and sends none.
 */
export function listenForReturn(handleFocus: (focused?: boolean) => void): () => void {
  if (typeof window === 'undefined' || !window.addEventListener) return () => {};
  const onReturn = () => handleFocus();
  window.addEventListener('visibilitychange', onReturn, false);
  window.addEventListener('focus', onReturn, false);
  return () => {
    window.removeEventListener('visibilitychange', onReturn);
    window.removeEventListener('focus', onReturn);
  };
}

export const queryConfig = {
  queries: {
    retry: shouldRetry,
    refetchOnWindowFocus: refetchOnReturn,
    staleTime: 30_000,
  },
  mutations: {
    retry: false,
  },
} satisfies DefaultOptions;

export function createQueryClient(): QueryClient {
  focusManager.setEventListener(listenForReturn);
  return new QueryClient({ defaultOptions: queryConfig });
}
