import { useMutation } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient } from '@/lib/api-client';

export type ChangePasswordBody = components['schemas']['ChangePasswordRequest'];

/** POST /api/v1/me/password: checks the current password; ends the user's other sessions. */
export async function changePassword(body: ChangePasswordBody): Promise<void> {
  await apiClient.POST('/me/password', { body });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
