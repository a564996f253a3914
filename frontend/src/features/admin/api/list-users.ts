import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type AdminUser = components['schemas']['User'];
export type UserList = components['schemas']['UserList'];

/** GET /api/v1/admin/users: search by email or name; cursor pages. */
export function listUsers(q: string, cursor: string | undefined, { signal }: { signal?: AbortSignal } = {}): Promise<UserList> {
  return unwrap(
    apiClient.GET('/admin/users', { params: { query: { q: q || undefined, cursor: cursor || undefined } }, signal }),
  );
}

export function listUsersQueryOptions(q: string) {
  return infiniteQueryOptions({
    queryKey: ['admin', 'users', q],
    queryFn: ({ pageParam, signal }) => listUsers(q, pageParam, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useUsers(q: string) {
  return useInfiniteQuery(listUsersQueryOptions(q));
}
