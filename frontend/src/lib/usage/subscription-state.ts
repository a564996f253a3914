import type { Usage } from './get-usage';

/** Who set the subscription: Stripe (a payment), 1CloudAI staff (by hand) or sign-up (Free). */
export function sourceLabel(source: string | undefined): string {
  switch (source) {
    case 'stripe':
      return 'Stripe';
    case 'manual':
      return 'Set by 1CloudAI staff';
    case 'signup':
      return 'Sign-up';
    default:
      return source || '—';
  }
}

/**
 * Active or trialing, yet not in force: its period is over (cancelled at period end, or a plan staff
 * set until a date) and nothing has replaced it yet. "Active, the package is in force" would be false.
 */
export function periodEnded(usage: Usage): boolean {
  const status = usage.subscription?.status;
  return usage.downgraded && (status === 'active' || status === 'trialing');
}

/**
 * A plan staff set is over and the Stripe subscription kept beside it applies: the server gives that
 * subscription's package (not Free) with a reason and no downgrade, while the subscription on file
 * is still the staff plan, which no longer decides anything. Its package may be the Stripe one too.
 */
export function staffPlanOver(usage: Usage): boolean {
  return !usage.downgraded && usage.subscription?.source === 'manual' && Boolean(usage.reason);
}
