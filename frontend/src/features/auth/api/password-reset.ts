import { useMutation } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient } from '@/lib/api-client';

export type PasswordResetBody = components['schemas']['PasswordResetRequest'];
export type ResetPasswordBody = components['schemas']['ResetPasswordRequest'];

/** POST /api/v1/auth/password-reset: mails a reset link if the account exists (202 either way). */
export async function requestPasswordReset(body: PasswordResetBody): Promise<void> {
  await apiClient.POST('/auth/password-reset', { body });
}

/** POST /api/v1/auth/password-reset/confirm: sets the password with a link's token; ends every session. */
export async function resetPassword(body: ResetPasswordBody): Promise<void> {
  await apiClient.POST('/auth/password-reset/confirm', { body });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
