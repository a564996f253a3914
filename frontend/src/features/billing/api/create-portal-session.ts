import { useMutation } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

/**
 * POST /api/v1/billing/portal-session (org admins, `billing:manage`): the Stripe customer portal
 * URL (payment method, invoices, cancellation). 409 while the tenant has no billing account yet;
 * 503 `billing-not-configured` without Stripe.
 */
export function createPortalSession(): Promise<{ url: string }> {
  return unwrap(apiClient.POST('/billing/portal-session'));
}

export function useCreatePortalSession() {
  return useMutation({ mutationFn: createPortalSession });
}
