import { useMutation } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { applyGrant, type TokenResponse } from '@/lib/auth/session';

export type SignupBody = components['schemas']['SignupRequest'];

/** POST /api/v1/auth/signup: a new account and organization (Free package), signed in. */
export function signup(body: SignupBody): Promise<TokenResponse> {
  return unwrap(apiClient.POST('/auth/signup', { body }));
}

export function useSignup() {
  return useMutation({ mutationFn: signup, onSuccess: applyGrant });
}
