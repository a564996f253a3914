import { Alert, Group, Loader, Text } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';

import { supportEmail } from '@/config/product';

import type { Billing } from '../api/get-billing';
import { useCheckoutPolling } from '../checkout-polling';

/** A Stripe subscription updated this recently counts as the confirmation of this checkout. */
const recentMs = 30 * 60_000;

function subscriptionKey(billing: Billing | undefined): string | null {
  if (!billing) return null;
  const sub = billing.usage.subscription;
  return sub ? [sub.package_id, sub.status, sub.source, sub.updated_at].join('|') : 'none';
}

/**
 * The notice after Stripe Checkout sends the user back to `/billing?checkout=success|cancelled`.
 * Coming back proves nothing (anyone can open that URL), so on success the page only says that the
 * plan changes once Stripe confirms, re-reads the subscription a few times, and reports a change
 * only when the server shows one.
 */
export function CheckoutReturn({ billing }: { billing: Billing | undefined }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const outcome = searchParams.get('checkout');
  const [openedAt] = useState(() => Date.now());
  const [baseline, setBaseline] = useState<string | null>(null);

  const key = subscriptionKey(billing);
  if (baseline === null && key !== null) setBaseline(key);

  const sub = billing?.usage.subscription;
  const stripeInForce =
    sub?.source === 'stripe' &&
    (sub.status === 'active' || sub.status === 'trialing') &&
    !billing?.usage.downgraded &&
    openedAt - Date.parse(sub.updated_at) < recentMs;
  const confirmed = baseline !== null && key !== null && (key !== baseline || stripeInForce);

  // A paid checkout the server could not apply (its job gave up) will not be confirmed by waiting:
  // CheckoutNotAppliedNotice says so on the page instead.
  const notApplied = !confirmed && billing?.checkout_not_applied === true;
  const { done } = useCheckoutPolling(outcome === 'success' && !confirmed && !notApplied);

  const dismiss = () =>
    setSearchParams(
      (params) => {
        params.delete('checkout');
        params.delete('session_id');
        return params;
      },
      { replace: true },
    );

  if (outcome === 'cancelled') {
    return (
      <Alert color="gray" variant="light" title="Checkout cancelled" withCloseButton onClose={dismiss} data-testid="checkout-cancelled">
        Nothing was charged and your package is unchanged.
      </Alert>
    );
  }
  if (outcome !== 'success' || notApplied) return null;

  // Nothing on this page knows whether anything was paid until the server shows Stripe's
  // confirmation: the title says only what is known at each step.
  const title = confirmed
    ? 'Stripe confirmed your checkout'
    : !done
      ? 'Waiting for Stripe to confirm your checkout (usually seconds)'
      : 'Stripe has not confirmed your checkout yet';

  return (
    <Alert
      color={confirmed ? 'green' : done ? 'yellow' : 'blue'}
      variant="light"
      title={title}
      withCloseButton
      onClose={dismiss}
      data-testid="checkout-success"
      role="status"
    >
      {confirmed ? (
        <Text size="sm" data-testid="checkout-confirmed">
          Stripe confirmed the change; the package below is up to date.
        </Text>
      ) : !done ? (
        <Group gap="xs" data-testid="checkout-waiting">
          <Loader size="xs" />
          <Text size="sm">Your package changes once Stripe confirms the checkout; this page checks again shortly.</Text>
        </Group>
      ) : (
        <Text size="sm" data-testid="checkout-unconfirmed">
          Stripe has not confirmed it yet, so your package has not changed. Reload this page in a minute; if it still shows
          the old package after an hour, contact {supportEmail}.
        </Text>
      )}
    </Alert>
  );
}

/**
 * Shown while a checkout the tenant paid at Stripe could not be applied (`checkout_not_applied`: its
 * job gave up and our team was alerted), on the billing page and in place of the return from
 * Checkout, which would otherwise wait for a confirmation that will not come by itself.
 */
export function CheckoutNotAppliedNotice({ billing }: { billing: Billing | undefined }) {
  if (!billing?.checkout_not_applied) return null;
  return (
    <Alert color="orange" variant="light" title="Payment received, not applied yet" data-testid="checkout-not-applied" role="status">
      <Text size="sm">
        Stripe received your payment, but we could not apply it to your package yet, so your package has not changed. Our
        team has been alerted and will apply it; you do not need to pay again. Questions: {supportEmail}.
      </Text>
    </Alert>
  );
}
