import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient } from '@/lib/api-client';
import { getMeQueryOptions } from '@/lib/auth/get-me';

export type ChangePasswordBody = components['schemas']['ChangePasswordRequest'];

/** POST /api/v1/me/password: checks the current password; ends the user's other sessions. */
export async function changePassword(body: ChangePasswordBody): Promise<void> {
  await apiClient.POST('/me/password', { body });
}

/** /me is read again: it says when the password was last changed. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getMeQueryOptions().queryKey }),
  });
}
