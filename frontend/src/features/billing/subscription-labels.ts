import type { SubscriptionStatus } from './api/get-billing';

/** Badge colour per subscription status. */
export const statusColors: Record<SubscriptionStatus, string> = {
  active: 'green',
  trialing: 'teal',
  past_due: 'orange',
  canceled: 'red',
  incomplete: 'gray',
  paused: 'gray',
};

/** One line under the status badge: what the status means for the limits. */
export const statusHints: Record<SubscriptionStatus, string> = {
  active: 'The package is in force.',
  trialing: 'Trial: the package is in force.',
  past_due: 'The last payment failed.',
  canceled: 'The subscription has ended.',
  incomplete: 'The first payment has not gone through.',
  paused: 'Paused in Stripe: the package is not in force until the subscription resumes.',
};

const stripeEventLabels: Record<string, string> = {
  'checkout.session.completed': 'Checkout completed',
  'customer.subscription.created': 'Subscription created',
  'customer.subscription.updated': 'Subscription updated',
  'customer.subscription.deleted': 'Subscription ended',
  'invoice.paid': 'Invoice paid',
  'invoice.payment_failed': 'Payment failed',
};

/** "invoice.payment_failed" → "Payment failed"; unknown types are shown as they are. */
export function stripeEventLabel(type: string): string {
  return stripeEventLabels[type] ?? type;
}
