import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient } from '@/lib/api-client';
import { endSession } from '@/lib/auth/session';

/** POST /api/v1/auth/logout: ends the session server-side and clears the refresh cookie. */
export async function logout(): Promise<void> {
  await apiClient.POST('/auth/logout');
}

/** Signs out here even when the server cannot be reached: the token is forgotten either way. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      endSession('logout');
      queryClient.clear();
    },
  });
}
