import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type Billing = components['schemas']['Billing'];
export type BillingEvent = components['schemas']['AuditEvent'];
export type SubscriptionStatus = components['schemas']['Subscription']['status'];

export const billingQueryKey = ['billing', 'subscription'] as const;

/**
 * GET /api/v1/billing/subscription: the effective package and its use (as GET /tenant/usage), the
 * subscription, whether online billing is configured (`stripe_configured`), whether the tenant has
 * a Stripe customer (`has_billing_account`) and the history of plan changes, newest first.
 */
export function getBilling({ signal }: { signal?: AbortSignal } = {}): Promise<Billing> {
  return unwrap(apiClient.GET('/billing/subscription', { signal }));
}

export function getBillingQueryOptions() {
  return queryOptions({
    queryKey: billingQueryKey,
    queryFn: ({ signal }) => getBilling({ signal }),
  });
}

export function useBilling() {
  return useQuery(getBillingQueryOptions());
}
