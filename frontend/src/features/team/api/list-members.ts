import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Member = components['schemas']['Member'];
export type MemberList = components['schemas']['MemberList'];
export type Role = Member['role'];

/** GET /api/v1/tenant/members: everyone in the current tenant (any role may read it). */
export function listMembers({ signal }: { signal?: AbortSignal } = {}): Promise<MemberList> {
  return unwrap(apiClient.GET('/tenant/members', { signal }));
}

export function listMembersQueryOptions() {
  return queryOptions({
    queryKey: ['tenant', 'members'],
    queryFn: ({ signal }) => listMembers({ signal }),
  });
}

export function useMembers() {
  return useQuery(listMembersQueryOptions());
}
