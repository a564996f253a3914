import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

import { apiResponse, apiToken, createSystemAdmin, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { BASE_URL, browserTest, waitForExactText } from './lib.mjs';

// The server under test talks to stripe-mock (STRIPE_SECRET_KEY + STRIPE_API_BASE, as
// scripts/test.sh starts it), which answers Checkout sessions with https://checkout.stripe.com/...
// URLs. The machine is offline, so the browser's visit there is answered by page.route.
const stripeCheckout = 'https://checkout.stripe.com/';

browserTest(
  'billing: an org admin upgrades to Pro through Stripe Checkout, and the way back activates nothing',
  async ({ page: owner, openPage }) => {
    const id = uniqueId();
    const staff = { email: `sys-bill-${id}@e2e.test`, password: strongPassword() };
    const account = { email: `bill-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);

    // Platform staff give the Pro package its Stripe price, through the API.
    const staffPage = await openPage();
    const staffAuth = { Authorization: `Bearer ${await apiToken(staffPage.request, staff)}` };
    const listed = await staffPage.request.get('/api/v1/admin/packages', { headers: staffAuth });
    assert.equal(listed.status(), 200, await listed.text());
    const pro = (await listed.json()).items.find((p) => p.code === 'pro');
    assert.ok(pro, 'the seeded packages include pro');
    const patched = await staffPage.request.patch(`/api/v1/admin/packages/${pro.id}`, {
      headers: staffAuth,
      data: { stripe_price_id: 'price_pro_e2e' },
    });
    assert.equal(patched.status(), 200, await patched.text());
    assert.equal((await patched.json()).stripe_price_id, 'price_pro_e2e');
    await staffPage.close();

    // A new tenant on Free opens the Packages page from Package & usage.
    await signUp(owner, { ...account, name: 'Bea Billing', organization: `E2E Billing ${id}` });
    await owner.goto('/billing');
    await waitForExactText(owner.getByTestId('current-package'), 'Free');
    await owner.getByRole('link', { name: 'Compare packages' }).click();
    await owner.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
    assert.equal(await owner.getByTestId('package-column-free').getAttribute('aria-current'), 'true');
    assert.equal(await owner.getByTestId('package-column-pro').getAttribute('aria-current'), null);

    // Upgrade: the server creates the Checkout session at stripe-mock and the browser goes there.
    const checkoutVisits = [];
    await owner.route(`${stripeCheckout}**`, (route) => {
      checkoutVisits.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>stripe checkout</p>' });
    });
    const created = apiResponse(owner, 'POST', '/billing/checkout-session');
    const navigated = owner.waitForURL((url) => url.href.startsWith(stripeCheckout));
    await owner.getByRole('button', { name: 'Upgrade to Pro' }).click();
    const answer = await created;
    assert.equal(answer.status(), 200);
    assert.equal(JSON.parse(answer.request().postData() ?? '{}').package_code, 'pro');
    // (The answer's body is gone once the page navigated; the navigation itself shows the URL.)
    await navigated;
    assert.ok(owner.url().startsWith(stripeCheckout), `a Checkout URL, got ${owner.url()}`);
    assert.deepEqual(checkoutVisits, [owner.url()]);
    assert.equal((await owner.textContent('body'))?.trim(), 'stripe checkout');

    // Coming back to the success URL (anyone could open it) changes nothing by itself.
    const firstRead = apiResponse(owner, 'GET', '/billing/subscription');
    await owner.goto('/billing?checkout=success&session_id=cs_test_e2e');
    const notice = owner.getByTestId('checkout-success');
    await notice.waitFor();
    assert.match(
      (await notice.textContent()) ?? '',
      /Waiting for Stripe to confirm your checkout \(usually seconds\)/,
    );
    await owner.getByTestId('checkout-waiting').waitFor();
    await firstRead;
    // The page polls the subscription again (the first poll is 2 seconds in).
    const poll = await apiResponse(owner, 'GET', '/billing/subscription');
    assert.equal(poll.status(), 200);
    assert.equal((await poll.json()).usage.package.code, 'free');
    await waitForExactText(owner.getByTestId('current-package'), 'Free');
    await waitForExactText(owner.getByTestId('subscription-source'), 'Sign-up');
    assert.equal(await owner.getByTestId('checkout-confirmed').count(), 0, 'nothing claims the plan changed');

    // The server agrees: the tenant is still on Free, from sign-up.
    const check = await openPage();
    const ownerAuth = { Authorization: `Bearer ${await apiToken(check.request, account)}` };
    const billing = await check.request.get('/api/v1/billing/subscription', { headers: ownerAuth });
    assert.equal(billing.status(), 200, await billing.text());
    const body = await billing.json();
    assert.equal(body.usage.package.code, 'free');
    assert.equal(body.usage.subscription.source, 'signup');
    assert.equal(body.usage.downgraded, false);
    assert.equal(body.stripe_configured, true);
    assert.ok(
      body.history.every((event) => event.data.package !== 'pro'),
      'no plan change to Pro in the history',
    );
  },
  { timeout: 120_000 },
);

/** Posts a Stripe event to the server's webhook, signed as Stripe signs it (STRIPE_WEBHOOK_SECRET). */
async function deliverStripeEvent(event) {
  const secret = process.env.STRIPE_WEBHOOK_SECRET;
  assert.ok(secret, 'STRIPE_WEBHOOK_SECRET must be the server’s webhook secret (scripts/test.sh sets it)');
  const payload = JSON.stringify(event);
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  const response = await fetch(`${BASE_URL}/api/v1/billing/stripe/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${timestamp},v1=${signature}` },
    body: payload,
  });
  assert.equal(response.status, 200, `webhook ${event.type}: ${await response.text()}`);
}

/** A customer.subscription.* event for `tenantId`'s Pro subscription, as Stripe sends it. */
function subscriptionEvent(type, { id, tenantId, sequence, cancelAtPeriodEnd = false }) {
  const now = Math.floor(Date.now() / 1000);
  const periodEnd = now + 30 * 24 * 3600;
  return {
    id: `evt_e2e_${id}_${sequence}`,
    object: 'event',
    type,
    // Each event a second after the one before: the server applies only the newest.
    created: now + sequence,
    livemode: false,
    api_version: '2025-03-31.basil',
    data: {
      object: {
        id: `sub_e2e_${id}`,
        object: 'subscription',
        status: 'active',
        customer: `cus_e2e_${id}`,
        cancel_at_period_end: cancelAtPeriodEnd,
        metadata: { tenant_id: tenantId, package_code: 'pro' },
        items: {
          object: 'list',
          data: [{ id: `si_e2e_${id}`, object: 'subscription_item', current_period_start: now, current_period_end: periodEnd }],
        },
      },
    },
  };
}

browserTest(
  'billing: Stripe confirms a Pro subscription, Manage billing opens the Stripe portal, a cancellation at period end is shown',
  async ({ page: owner }) => {
    const id = uniqueId().toLowerCase();
    const signedUp = apiResponse(owner, 'POST', '/auth/signup');
    await signUp(owner, { email: `portal-${id}@e2e.test`, password: strongPassword(), name: 'Pat Portal', organization: `E2E Portal ${id}` });
    const tenantId = (await (await signedUp).json()).tenant.id;
    await owner.goto('/billing');
    await waitForExactText(owner.getByTestId('current-package'), 'Free');
    // No Stripe customer yet: nothing to manage.
    assert.equal(await owner.getByRole('button', { name: 'Manage billing' }).count(), 0);

    // Stripe reports the subscription (as after a checkout): the page shows Pro from Stripe.
    await deliverStripeEvent(subscriptionEvent('customer.subscription.created', { id, tenantId, sequence: 0 }));
    await owner.reload();
    await waitForExactText(owner.getByTestId('current-package'), 'Pro');
    await waitForExactText(owner.getByTestId('subscription-status'), 'Active');
    await waitForExactText(owner.getByTestId('subscription-source'), 'Stripe');
    await waitForExactText(owner.getByTestId('meter-searches-value'), '0 of 20,000');
    assert.equal(await owner.getByTestId('cancel-at-period-end').count(), 0);

    // Manage billing: the server opens a portal session for the tenant's customer, the browser goes there.
    const portalVisits = [];
    await owner.route(
      (url) => url.protocol === 'https:',
      (route) => {
        portalVisits.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>stripe portal</p>' });
      },
    );
    const opened = apiResponse(owner, 'POST', '/billing/portal-session');
    const navigated = owner.waitForURL((url) => url.protocol === 'https:');
    await owner.getByRole('button', { name: 'Manage billing' }).click();
    assert.equal((await opened).status(), 200);
    await navigated;
    assert.deepEqual(portalVisits, [owner.url()]);
    assert.equal((await owner.textContent('body'))?.trim(), 'stripe portal');

    // Cancelled in the portal (at period end): back in the SPA, the plan stays Pro until then, and says so.
    await deliverStripeEvent(
      subscriptionEvent('customer.subscription.updated', { id, tenantId, sequence: 1, cancelAtPeriodEnd: true }),
    );
    await owner.goto('/billing');
    await waitForExactText(owner.getByTestId('current-package'), 'Pro');
    const cancelled = owner.getByTestId('cancel-at-period-end');
    await cancelled.waitFor();
    assert.match((await cancelled.textContent()) ?? '', /The Pro package ends on .+, then Free\./);
  },
  { timeout: 120_000 },
);
