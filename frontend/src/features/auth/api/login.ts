import { useMutation } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { applyGrant, type TokenResponse } from '@/lib/auth/session';

export type LoginBody = components['schemas']['LoginRequest'];

/** POST /api/v1/auth/login: sets the refresh cookie and answers the access token. */
export function login(body: LoginBody): Promise<TokenResponse> {
  return unwrap(apiClient.POST('/auth/login', { body }));
}

export function useLogin() {
  return useMutation({ mutationFn: login, onSuccess: applyGrant });
}
