import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { getMeQueryOptions } from '@/lib/auth/get-me';
import { applyUser, type SessionUser } from '@/lib/auth/session';

export type UpdateMeBody = components['schemas']['UpdateMeRequest'];

/** PATCH /api/v1/me: changes the signed-in user's display name. */
export function updateMe(body: UpdateMeBody): Promise<SessionUser> {
  return unwrap(apiClient.PATCH('/me', { body }));
}

/** The session and /me take the new name; the team list (which shows it) is read again. */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: (user) => {
      applyUser(user);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: getMeQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: ['tenant', 'members'] }),
      ]);
    },
  });
}
