import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { useSession } from './session';

export type Me = components['schemas']['Me'];
export type Membership = components['schemas']['Membership'];

/** GET /api/v1/me: the user, the current tenant and role, every membership, package, permissions. */
export function getMe({ signal }: { signal?: AbortSignal } = {}): Promise<Me> {
  return unwrap(apiClient.GET('/me', { signal }));
}

export function getMeQueryOptions() {
  return queryOptions({
    queryKey: ['me'],
    queryFn: ({ signal }) => getMe({ signal }),
  });
}

/** The signed-in user's /me; idle while signed out. */
export function useMe() {
  const session = useSession();
  return useQuery({ ...getMeQueryOptions(), enabled: session.status === 'signed-in' });
}
