import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';

import { billingQueryKey } from './get-billing';

/**
 * POST /api/v1/billing/checkout-session (org admins, `billing:manage`): the Stripe Checkout URL for
 * a paid package. Coming back to the success URL changes nothing: the plan changes when Stripe's
 * signed webhook arrives. 503 `billing-not-configured` without Stripe; 422 when the package cannot
 * be bought online (free, inactive, or without a Stripe price); 409 `subscription-exists` when a
 * Stripe subscription runs (bought in another tab since the page loaded, say): the billing query is
 * read again then, so the page offers the portal the message points to instead of its buttons.
 */
export function createCheckoutSession({ packageCode }: { packageCode: string }): Promise<{ url: string }> {
  return unwrap(apiClient.POST('/billing/checkout-session', { body: { package_code: packageCode } }));
}

export function useCreateCheckoutSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createCheckoutSession,
    onError: (error) => {
      if (isApiError(error) && error.status === 409) void queryClient.invalidateQueries({ queryKey: billingQueryKey });
    },
  });
}

/** The server has no Stripe key: checkout and the portal answer 503 `billing-not-configured`. */
export function isBillingNotConfigured(error: unknown): boolean {
  return isApiError(error) && error.status === 503 && (error.type ?? '').endsWith('billing-not-configured');
}
