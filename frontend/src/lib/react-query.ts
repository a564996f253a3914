import { QueryClient, type DefaultOptions } from '@tanstack/react-query';

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

export const queryConfig = {
  queries: {
    retry: shouldRetry,
    refetchOnWindowFocus: false,
    staleTime: 30_000,
  },
  mutations: {
    retry: false,
  },
} satisfies DefaultOptions;

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: queryConfig });
}
