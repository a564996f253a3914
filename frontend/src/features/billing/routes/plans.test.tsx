import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { mediaQueryList } from '@/testing/media';
import { jsonResponse, problemResponse, renderWithProviders } from '@/testing/test-utils';

import { billing, pro, requestsOf, signInWithBilling, starter, subscription, usage } from '../testing/fixtures';
import { PlansRoute } from './plans';

/** Replaces window.location for the test (restored by unstubGlobals) to catch the redirect. */
function catchRedirects() {
  const assign = vi.fn<(url: string) => void>();
  vi.stubGlobal('location', { ...window.location, assign });
  return assign;
}

const notConfiguredText =
  'Online billing is not configured on this server; contact support@1cloudcrm.com to change your package.';

describe('PlansRoute', () => {
  it('compares every package and highlights the current package', async () => {
    signInWithBilling({ billing: billing({ usage: usage({ package: starter }) }) });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    const table = await screen.findByTestId('package-comparison');
    expect(within(table).getByTestId('package-column-starter')).toHaveAttribute('aria-current', 'true');
    expect(within(table).getByTestId('package-column-starter')).toHaveTextContent('Current');
    expect(within(table).getByTestId('package-column-free')).not.toHaveAttribute('aria-current');
    expect(within(table).getByTestId('package-column-pro')).not.toHaveAttribute('aria-current');
    const price = within(table).getByRole('row', { name: /Price per month/ });
    expect(price).toHaveTextContent('Free$49.00$149.00');
    expect(within(table).getByRole('row', { name: /^API access/ })).toHaveTextContent('NoYesYes');
    expect(within(table).getByRole('row', { name: /^Users/ })).toHaveTextContent('31050');
  });

  it('upgrades through Stripe Checkout: the server gives the URL, the browser goes there', async () => {
    const assign = catchRedirects();
    const bodies: unknown[] = [];
    const fetchMock = signInWithBilling({
      routes: {
        'POST /billing/checkout-session': async (request) => {
          bodies.push(await request.json());
          return jsonResponse({ url: 'https://checkout.stripe.com/c/pay/cs_test_123' });
        },
      },
    });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    const actions = await screen.findByTestId('package-actions');
    expect(within(actions).getAllByRole('cell')[0]).toHaveTextContent('Your package');
    // Starter has no Stripe price: it cannot be bought online.
    expect(within(actions).getAllByRole('cell')[1]).toHaveTextContent('Not sold online');
    await userEvent.click(within(actions).getByRole('button', { name: 'Upgrade to Pro' }));

    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith('https://checkout.stripe.com/c/pay/cs_test_123'));
    expect(bodies).toEqual([{ package_code: 'pro' }]);
    expect(requestsOf(fetchMock).filter((r) => r.startsWith('POST'))).toEqual(['POST /billing/checkout-session']);
  });

  it('on a phone, upgrades from the Pro card, and the card of the current package says so', async () => {
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    const assign = catchRedirects();
    const bodies: unknown[] = [];
    signInWithBilling({
      routes: {
        'POST /billing/checkout-session': async (request) => {
          bodies.push(await request.json());
          return jsonResponse({ url: 'https://checkout.stripe.com/c/pay/cs_test_123' });
        },
      },
    });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    const free = await screen.findByRole('article', { name: 'Free' });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(free).toHaveAttribute('aria-current', 'true');
    expect(within(free).getByRole('group', { name: 'Change package' })).toHaveTextContent('Your package');
    expect(within(screen.getByRole('article', { name: 'Starter' })).getByRole('group')).toHaveTextContent('Not sold online');
    const pro = screen.getByRole('article', { name: 'Pro' });
    expect(pro).toHaveTextContent('Price per month$149.00');
    await userEvent.click(within(pro).getByRole('button', { name: 'Upgrade to Pro' }));

    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith('https://checkout.stripe.com/c/pay/cs_test_123'));
    expect(bodies).toEqual([{ package_code: 'pro' }]);
  });

  it('replaces the buttons with a notice when online billing is not configured', async () => {
    catchRedirects();
    signInWithBilling({ billing: billing({ stripe_configured: false }) });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    expect(await screen.findByTestId('billing-not-configured')).toHaveTextContent(notConfiguredText);
    await screen.findByTestId('package-comparison');
    expect(screen.queryByTestId('package-actions')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Upgrade|Choose/ })).not.toBeInTheDocument();
  });

  it('shows the same notice when checkout answers 503 billing-not-configured', async () => {
    const assign = catchRedirects();
    signInWithBilling({
      routes: {
        'POST /billing/checkout-session': () =>
          problemResponse({
            status: 503,
            title: 'Service Unavailable',
            type: 'billing-not-configured',
            code: 'unavailable',
            detail: notConfiguredText,
          }),
      },
    });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    await userEvent.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));

    expect(await screen.findByTestId('billing-not-configured')).toHaveTextContent(notConfiguredText);
    expect(screen.queryByRole('button', { name: 'Upgrade to Pro' })).not.toBeInTheDocument();
    expect(assign).not.toHaveBeenCalled();
  });

  it('shows a refused checkout (422) and stays on the page', async () => {
    const assign = catchRedirects();
    signInWithBilling({
      routes: {
        'POST /billing/checkout-session': () =>
          problemResponse({
            status: 422,
            title: 'Unprocessable Entity',
            code: 'invalid',
            detail: 'This package cannot be bought online.',
          }),
      },
    });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    await userEvent.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('This package cannot be bought online.');
    expect(screen.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
    expect(assign).not.toHaveBeenCalled();
  });

  it('offers the portal when checkout answers that a Stripe subscription runs (bought in another tab)', async () => {
    const assign = catchRedirects();
    let subscribed = false;
    signInWithBilling({
      billing: () =>
        subscribed
          ? billing({
              has_billing_account: true,
              checkout_allowed: false,
              usage: usage({ package: pro, subscription: subscription({ package_id: pro.id, source: 'stripe' }) }),
            })
          : billing(),
      routes: {
        'POST /billing/checkout-session': () => {
          subscribed = true;
          return problemResponse({
            status: 409,
            title: 'Conflict',
            type: 'subscription-exists',
            code: 'conflict',
            detail: 'This organization already has a Stripe subscription; change the package in the billing portal.',
          });
        },
      },
    });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    await userEvent.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));

    expect(await screen.findByText(/already has a Stripe subscription/)).toBeInTheDocument();
    const notice = await screen.findByTestId('change-in-portal');
    expect(within(notice).getByRole('button', { name: 'Manage billing' })).toBeInTheDocument();
    expect(screen.queryByTestId('package-actions')).not.toBeInTheDocument();
    expect(assign).not.toHaveBeenCalled();
  });

  it('shows the table without buttons to members, who ask an org admin', async () => {
    signInWithBilling({ role: 'member' });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    expect(await screen.findByTestId('ask-org-admin')).toHaveTextContent('Ask an org admin to change the package');
    await screen.findByTestId('package-comparison');
    expect(screen.queryByTestId('package-actions')).not.toBeInTheDocument();
    expect(screen.queryByTestId('billing-not-configured')).not.toBeInTheDocument();
  });

  it('sends tenants with a running Stripe subscription to the billing portal instead of a second checkout', async () => {
    signInWithBilling({
      billing: billing({
        has_billing_account: true,
        checkout_allowed: false,
        usage: usage({
          package: pro,
          subscription: subscription({ package_id: pro.id, source: 'stripe', current_period_end: '2026-12-20T00:00:00Z' }),
        }),
      }),
    });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    const notice = await screen.findByTestId('change-in-portal');
    expect(within(notice).getByRole('button', { name: 'Manage billing' })).toBeInTheDocument();
    expect(screen.getByTestId('package-column-pro')).toHaveAttribute('aria-current', 'true');
    expect(screen.queryByTestId('package-actions')).not.toBeInTheDocument();
  });

  it('follows the server on whether a Stripe subscription runs, also under a plan set by staff', async () => {
    // Staff moved the tenant to Enterprise by hand; its Stripe subscription still runs, so a
    // checkout would be refused (409): the page points to the portal instead of offering one.
    signInWithBilling({
      billing: billing({
        has_billing_account: true,
        checkout_allowed: false,
        usage: usage({ package: pro, subscription: subscription({ package_id: pro.id, source: 'manual' }) }),
      }),
    });
    renderWithProviders(<PlansRoute />, { route: '/packages' });

    expect(await screen.findByTestId('change-in-portal')).toBeInTheDocument();
    expect(screen.queryByTestId('package-actions')).not.toBeInTheDocument();
  });
});
