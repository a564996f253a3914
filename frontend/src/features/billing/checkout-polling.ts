import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { getUsageQueryOptions } from '@/lib/usage/get-usage';

import { billingQueryKey } from './api/get-billing';

/**
 * After Stripe Checkout sends the user back, GET /billing/subscription is asked again after each
 * of these delays (about half a minute in all): Stripe's webhook, not the return, changes the plan.
 */
export const checkoutPollDelaysMs = [2_000, 3_000, 5_000, 10_000, 15_000];

/**
 * Re-reads the subscription (and the usage the page shows) on the schedule above while `active`.
 * Returns how many polls were made and whether the schedule is over.
 */
export function useCheckoutPolling(active: boolean): { polls: number; done: boolean } {
  const queryClient = useQueryClient();
  const [polls, setPolls] = useState(0);
  const done = polls >= checkoutPollDelaysMs.length;

  useEffect(() => {
    if (!active || done) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void Promise.allSettled([
        queryClient.refetchQueries({ queryKey: billingQueryKey }),
        queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey }),
      ]).then(() => {
        if (!cancelled) setPolls((n) => n + 1);
      });
    }, checkoutPollDelaysMs[polls]);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [active, done, polls, queryClient]);

  return { polls, done };
}
