import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { rereadAccess, useSession } from '@/lib/auth/session';

import { listMembersQueryOptions, type Member, type MemberList, type Role } from './list-members';

/** PATCH /api/v1/tenant/members/{userId}: org admins change a role (not the last org admin's). */
export function updateMember({ userId, role }: { userId: string; role: Role }): Promise<Member> {
  return unwrap(apiClient.PATCH('/tenant/members/{userId}', { params: { path: { userId } }, body: { role } }));
}

export function useUpdateMember() {
  const queryClient = useQueryClient();
  const session = useSession();
  const selfId = session.status === 'signed-in' ? session.user.id : undefined;
  const { queryKey } = listMembersQueryOptions();
  return useMutation({
    mutationFn: updateMember,
    onSuccess: (member) => {
      queryClient.setQueryData<MemberList>(queryKey, (list) =>
        list ? { ...list, items: list.items.map((m) => (m.user_id === member.user_id ? member : m)) } : list,
      );
      if (member.user_id !== selfId) return;
      // The user changed their own role: GET /me says what they may do now, and the session (the
      // role the header shows) takes the new role from it too.
      void rereadAccess();
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
}
