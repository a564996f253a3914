import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { mediaQueryList } from '@/testing/media';
import { jsonResponse, renderWithProviders } from '@/testing/test-utils';

import { checkoutPollDelaysMs } from '../checkout-polling';
import { billing, free, historyEvent, pro, requestsOf, signInWithBilling, starter, subscription, usage } from '../testing/fixtures';
import { BillingRoute } from './billing';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('BillingRoute subscription', () => {
  it('on the way back from Checkout polls the subscription and does not claim the plan changed', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetchMock = signInWithBilling();
    renderWithProviders(<BillingRoute />, { route: '/billing?checkout=success&session_id=cs_test_123' });

    const notice = await screen.findByTestId('checkout-success');
    // Opening the return URL proves nothing: no claim that anything was paid.
    expect(notice).toHaveTextContent('Waiting for Stripe to confirm your checkout');
    expect(notice).not.toHaveTextContent(/payment received|paid/i);
    expect(within(notice).getByTestId('checkout-waiting')).toBeInTheDocument();
    const billingReads = () => requestsOf(fetchMock).filter((r) => r === 'GET /billing/subscription').length;
    await vi.waitFor(() => expect(billingReads()).toBe(1));

    for (const delay of checkoutPollDelaysMs) {
      await act(() => vi.advanceTimersByTimeAsync(delay + 10));
    }

    await vi.waitFor(() => expect(within(notice).getByTestId('checkout-unconfirmed')).toBeInTheDocument());
    expect(billingReads()).toBe(1 + checkoutPollDelaysMs.length);
    expect(within(notice).getByTestId('checkout-unconfirmed')).toHaveTextContent('your package has not changed');
    expect(within(notice).queryByTestId('checkout-confirmed')).not.toBeInTheDocument();
    // Once the page gives up waiting, the title no longer says it is waiting (nor that anything was paid).
    expect(notice).toHaveTextContent('Stripe has not confirmed your checkout yet');
    expect(notice).not.toHaveTextContent(/waiting|payment received/i);
    expect(screen.getByTestId('current-package')).toHaveTextContent('Free');

    // No more polls once the schedule is over.
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(billingReads()).toBe(1 + checkoutPollDelaysMs.length);
  });

  it('reports the change once the server shows it (Stripe confirmed while polling)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let answer = billing();
    signInWithBilling({ billing: () => answer });
    renderWithProviders(<BillingRoute />, { route: '/billing?checkout=success' });

    const notice = await screen.findByTestId('checkout-success');
    await within(notice).findByTestId('checkout-waiting');
    expect(screen.getByTestId('current-package')).toHaveTextContent('Free');

    answer = billing({
      has_billing_account: true,
      usage: usage({
        package: pro,
        subscription: subscription({ package_id: pro.id, source: 'stripe', updated_at: new Date().toISOString() }),
      }),
    });
    await act(() => vi.advanceTimersByTimeAsync(checkoutPollDelaysMs[0]! + 10));

    expect(await within(notice).findByTestId('checkout-confirmed')).toHaveTextContent('Stripe confirmed the change');
    expect(notice).toHaveTextContent('Stripe confirmed your checkout');
    expect(notice).not.toHaveTextContent(/waiting/i);
    await vi.waitFor(() => expect(screen.getByTestId('current-package')).toHaveTextContent('Pro'));
  });

  it('on the way back from Checkout says a paid checkout could not be applied instead of waiting', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetchMock = signInWithBilling({ billing: billing({ checkout_not_applied: true }) });
    renderWithProviders(<BillingRoute />, { route: '/billing?checkout=success&session_id=cs_test_123' });

    const notice = await screen.findByTestId('checkout-not-applied');
    expect(notice).toHaveTextContent('Payment received, not applied yet');
    expect(notice).toHaveTextContent('Our team has been alerted');
    expect(screen.queryByTestId('checkout-success')).not.toBeInTheDocument();
    // Nothing to wait for: no polling.
    const billingReads = () => requestsOf(fetchMock).filter((r) => r === 'GET /billing/subscription').length;
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(billingReads()).toBe(1);
  });

  it('says a paid checkout could not be applied on the billing page itself', async () => {
    signInWithBilling({ billing: billing({ checkout_not_applied: true }) });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('checkout-not-applied')).toHaveTextContent('you do not need to pay again');
    expect(screen.getByTestId('current-package')).toHaveTextContent('Free');
  });

  it('shows no such notice when every checkout was applied', async () => {
    signInWithBilling();
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    await screen.findByTestId('billing-history-empty');
    expect(screen.queryByTestId('checkout-not-applied')).not.toBeInTheDocument();
  });

  it('says a cancelled checkout changed nothing', async () => {
    signInWithBilling();
    renderWithProviders(<BillingRoute />, { route: '/billing?checkout=cancelled' });

    expect(await screen.findByTestId('checkout-cancelled')).toHaveTextContent(
      'Nothing was charged and your package is unchanged.',
    );
    expect(screen.queryByTestId('checkout-success')).not.toBeInTheDocument();
  });

  it('hides Manage billing without a billing account', async () => {
    const fetchMock = signInWithBilling({ billing: billing({ has_billing_account: false }) });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('current-package')).toHaveTextContent('Free');
    await screen.findByTestId('billing-history-empty');
    await vi.waitFor(() => expect(requestsOf(fetchMock)).toContain('GET /me'));
    expect(screen.queryByRole('button', { name: 'Manage billing' })).not.toBeInTheDocument();
  });

  it('hides Manage billing from members even with a billing account', async () => {
    signInWithBilling({ role: 'member', billing: billing({ has_billing_account: true }) });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    await screen.findByTestId('billing-history-empty');
    expect(screen.queryByRole('button', { name: 'Manage billing' })).not.toBeInTheDocument();
  });

  it('opens the Stripe portal for org admins with a billing account', async () => {
    const assign = vi.fn<(url: string) => void>();
    vi.stubGlobal('location', { ...window.location, assign });
    signInWithBilling({
      billing: billing({
        has_billing_account: true,
        usage: usage({
          package: pro,
          subscription: subscription({
            package_id: pro.id,
            source: 'stripe',
            cancel_at_period_end: true,
            current_period_end: '2026-12-20T00:00:00Z',
          }),
        }),
      }),
      routes: { 'POST /billing/portal-session': () => jsonResponse({ url: 'https://billing.stripe.com/p/session/test_1' }) },
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('subscription-source')).toHaveTextContent('Stripe');
    expect(screen.getByTestId('cancel-at-period-end')).toHaveTextContent('The Pro package ends on Dec 20, 2026, then Free.');
    expect(screen.getByTestId('period-end')).toHaveTextContent('Dec 20, 2026');
    await userEvent.click(await screen.findByRole('button', { name: 'Manage billing' }));
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith('https://billing.stripe.com/p/session/test_1'));
  });

  it('explains past due: paid limits stay until the grace period ends, then Free', async () => {
    signInWithBilling({
      billing: billing({
        usage: usage({
          package: pro,
          subscription: subscription({ package_id: pro.id, source: 'stripe', status: 'past_due' }),
          grace_ends_at: '2026-11-27T10:00:00Z',
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('subscription-status')).toHaveTextContent('Past due');
    expect(screen.getByTestId('grace-period')).toHaveTextContent(
      'Paid limits stay until Nov 27, 2026, 10:00 AM UTC, then Free limits apply',
    );
  });

  it('tells a member who can fix a past-due payment', async () => {
    signInWithBilling({
      role: 'member',
      billing: billing({
        has_billing_account: true,
        usage: usage({
          package: pro,
          subscription: subscription({ package_id: pro.id, source: 'stripe', status: 'past_due' }),
          grace_ends_at: '2026-11-27T10:00:00Z',
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('grace-period')).toHaveTextContent(
      'then Free limits apply; ask an org admin to update the payment method.',
    );
    expect(screen.queryByRole('button', { name: 'Manage billing' })).not.toBeInTheDocument();
  });

  it('does not send a member to a payment method for a past-due plan staff set (billed outside Stripe)', async () => {
    signInWithBilling({
      role: 'member',
      billing: billing({
        usage: usage({
          package: pro,
          subscription: subscription({ package_id: pro.id, source: 'manual', status: 'past_due' }),
          grace_ends_at: '2026-11-27T10:00:00Z',
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('grace-period')).toHaveTextContent(/then Free limits apply\.$/);
  });

  it('says a paused subscription is paused, not that its first payment has not gone through', async () => {
    signInWithBilling({
      billing: billing({
        usage: usage({ package: free, subscription: subscription({ package_id: pro.id, source: 'stripe', status: 'paused' }) }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('subscription-status')).toHaveTextContent('Paused');
    const hint = screen.getByTestId('subscription-status-hint');
    expect(hint).toHaveTextContent('Paused in Stripe: the package is not in force until the subscription resumes.');
    expect(hint).not.toHaveTextContent(/first payment/i);
  });

  it('explains a downgrade: what is blocked, and that nothing is deleted', async () => {
    signInWithBilling({
      billing: billing({
        usage: usage({
          package: free,
          subscription: subscription({ package_id: starter.id, source: 'stripe', status: 'canceled' }),
          downgraded: true,
          reason: 'the subscription is canceled',
          seats: { limit: 3, members: 5, pending_invitations: 0, remaining: 0 },
          api_keys: 1,
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('downgraded')).toHaveTextContent(
      'The Starter package does not apply right now (the subscription is canceled); the Free limits apply instead.',
    );
    expect(screen.getByTestId('downgraded')).toHaveTextContent('Nothing is deleted');
    const overLimit = await screen.findByTestId('over-limit');
    expect(overLimit).toHaveTextContent('5 members are more than the 3 users the Free package allows');
    expect(overLimit).toHaveTextContent('no new invitations can be sent or accepted');
    expect(overLimit).toHaveTextContent('requests with them are refused');
    expect(overLimit).toHaveTextContent('Nothing is deleted');
    expect(overLimit).not.toHaveTextContent(/will be deleted|removed automatically/);
  });

  it('does not call a subscription whose period ended active or in force', async () => {
    signInWithBilling({
      billing: billing({
        usage: usage({
          package: free,
          subscription: subscription({
            package_id: starter.id,
            source: 'manual',
            status: 'active',
            current_period_end: '2026-11-01T00:00:00Z',
          }),
          downgraded: true,
          reason: 'the subscription period ended',
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('downgraded')).toHaveTextContent('The Starter package does not apply right now');
    expect(screen.getByTestId('subscription-status')).toHaveTextContent('Ended');
    expect(screen.getByTestId('subscription-status-hint')).toHaveTextContent(
      'The period has ended: the package is no longer in force.',
    );
    expect(screen.getByTestId('subscription-status-hint')).not.toHaveTextContent('The package is in force.');
    expect(screen.getByText('Ended on')).toBeInTheDocument();
    expect(screen.getByTestId('period-end')).toHaveTextContent('Nov 1, 2026');
  });

  it.each([
    { zone: 'Asia/Tokyo', local: 'Jan 1, 2027, 8:59 AM GMT+9' },
    { zone: 'America/Los_Angeles', local: 'Dec 31, 2026, 3:59 PM PST' },
  ])('shows when the period ends in $zone with the zone named, and the UTC moment staff set', async ({ zone, local }) => {
    vi.stubEnv('TZ', zone);
    signInWithBilling({
      billing: billing({
        usage: usage({
          package: pro,
          // A plan staff set until Dec 31 (UTC): the end of that day in UTC.
          subscription: subscription({ package_id: pro.id, source: 'manual', current_period_end: '2026-12-31T23:59:59Z' }),
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByText('Current period ends')).toBeInTheDocument();
    expect(screen.getByTestId('period-end')).toHaveTextContent(local);
    expect(screen.getByTestId('period-end-utc')).toHaveTextContent('(Dec 31, 2026, 11:59 PM UTC)');
  });

  it('says a plan staff set has ended and the Stripe subscription applies again, not that it is in force', async () => {
    signInWithBilling({
      billing: billing({
        usage: usage({
          package: starter,
          subscription: subscription({
            package_id: pro.id,
            source: 'manual',
            status: 'active',
            current_period_end: '2026-11-01T00:00:00Z',
          }),
          downgraded: false,
          reason: 'the package set by platform staff is over; the Stripe subscription kept beside it applies',
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('staff-plan-over')).toHaveTextContent(
      'The Pro package that platform staff set no longer applies; the Starter package of your Stripe subscription',
    );
    expect(screen.getByTestId('current-package')).toHaveTextContent('Starter');
    expect(screen.getByTestId('subscription-status')).toHaveTextContent('Ended');
    expect(screen.getByTestId('subscription-status-hint')).toHaveTextContent('your Stripe subscription applies again');
    expect(screen.getByText('Ended on')).toBeInTheDocument();
    expect(screen.getByText('Pro (ended)')).toBeInTheDocument();
    expect(screen.queryByTestId('downgraded')).not.toBeInTheDocument();
  });

  it('says a plan staff set has ended also when the Stripe subscription beside it is of the same package', async () => {
    signInWithBilling({
      billing: billing({
        usage: usage({
          package: pro,
          subscription: subscription({
            package_id: pro.id,
            source: 'manual',
            status: 'active',
            current_period_end: '2026-11-01T00:00:00Z',
          }),
          downgraded: false,
          reason: 'the package set by platform staff is over; the Stripe subscription kept beside it applies',
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('staff-plan-over')).toHaveTextContent(
      'The Pro package that platform staff set no longer applies; the Pro package of your Stripe subscription',
    );
    expect(screen.getByTestId('subscription-status')).toHaveTextContent('Ended');
    expect(screen.getByText('Ended on')).toBeInTheDocument();
  });

  it.each([
    {
      seats: { limit: 3, members: 3, pending_invitations: 2, remaining: 0 },
      want: 'All 3 seats are in use (3 members, 2 pending invitations): new invitations are blocked, and the pending invitations cannot be accepted until a seat is free.',
    },
    {
      seats: { limit: 3, members: 3, pending_invitations: 1, remaining: 0 },
      want: 'new invitations are blocked, and the pending invitation cannot be accepted until a seat is free.',
    },
    // A seat is left for the pending invitation: accepting it still works.
    {
      seats: { limit: 3, members: 2, pending_invitations: 1, remaining: 0 },
      want: 'All 3 seats are in use (2 members, 1 pending invitation): new invitations are blocked.',
    },
  ])('says which invitations a full team blocks ($seats.members members, $seats.pending_invitations pending)', async ({ seats, want }) => {
    signInWithBilling({ billing: billing({ usage: usage({ seats }) }) });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    const overLimit = await screen.findByTestId('over-limit');
    expect(overLimit).toHaveTextContent(want);
    if (seats.members < seats.limit) expect(overLimit).not.toHaveTextContent('cannot be accepted');
  });

  it.each([
    { name: 'a plain change to a package without API access', downgraded: false, apiKeys: 2, warns: true },
    { name: 'a downgrade to a package without API access', downgraded: true, apiKeys: 1, warns: true },
    { name: 'no API keys to refuse', downgraded: false, apiKeys: 0, warns: false },
  ])('warns that API keys are refused after $name: $warns', async ({ downgraded, apiKeys, warns }) => {
    signInWithBilling({
      billing: billing({
        usage: usage({
          package: free,
          subscription: subscription({ package_id: downgraded ? starter.id : free.id, source: 'manual' }),
          downgraded,
          reason: downgraded ? 'the subscription is canceled' : undefined,
          api_keys: apiKeys,
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    await screen.findByTestId('current-package');
    if (warns) {
      expect(await screen.findByTestId('over-limit')).toHaveTextContent(
        `The Free package has no API access: your ${apiKeys === 1 ? 'API key is' : `${apiKeys} API keys are`} kept, but requests with them are refused`,
      );
    } else {
      expect(screen.queryByTestId('over-limit')).not.toBeInTheDocument();
    }
  });

  it('names a used-up quota and what it blocks', async () => {
    signInWithBilling({
      billing: billing({
        usage: usage({
          quotas: [{ metric: 'searches', used: 100, limit: 100, remaining: 0, reset_at: '2026-12-01T00:00:00Z' }],
        }),
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('over-limit')).toHaveTextContent(
      "This month's 100 searches are used up: new searches are refused until Dec 1, 2026.",
    );
  });

  it('lists the history of changes with source and reason', async () => {
    signInWithBilling({
      billing: billing({
        history: [
          historyEvent('e2', {
            package: 'pro',
            status: 'active',
            source: 'stripe',
            previous_status: 'incomplete',
            stripe_event: 'evt_1',
            event_type: 'invoice.paid',
          }),
          historyEvent(
            'e1',
            { package: 'starter', status: 'active', source: 'manual', reason: 'Annual contract signed offline', previous_status: 'active' },
            { actor_type: 'user', actor_label: 'staff@1cloudai.test', created_at: '2026-11-10T10:00:00Z' },
          ),
        ],
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    const rows = await screen.findAllByTestId('billing-history-row');
    expect(rows).toHaveLength(2);
    const [stripeRow, manualRow] = rows as [HTMLElement, HTMLElement];
    await vi.waitFor(() => expect(stripeRow).toHaveTextContent('Pro · Active'));
    expect(stripeRow).toHaveTextContent('was Incomplete');
    expect(stripeRow).toHaveTextContent('Stripe');
    expect(stripeRow).toHaveTextContent('Invoice paid');
    expect(manualRow).toHaveTextContent('Starter · Active');
    expect(manualRow).toHaveTextContent('Set by 1CloudAI staff');
    expect(manualRow).toHaveTextContent('Annual contract signed offline');
    expect(within(screen.getByTestId('billing-history')).getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Date',
      'Change',
      'Source',
      'Reason',
    ]);
  });

  it('on a phone, shows a card per change with its date, source and reason, no table', async () => {
    // Below Mantine's `sm` (375 px): the 640px table put the source and the reason past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    signInWithBilling({
      billing: billing({
        history: [
          historyEvent('e2', { package: 'pro', status: 'active', source: 'stripe', previous_status: 'incomplete', event_type: 'invoice.paid' }),
          historyEvent(
            'e1',
            { package: 'starter', status: 'active', source: 'manual', reason: 'Annual contract signed offline', cancel_at_period_end: true },
            { actor_type: 'user', actor_label: 'staff@1cloudai.test', created_at: '2026-11-10T10:00:00Z' },
          ),
        ],
      }),
    });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    const manual = await screen.findByRole('article', { name: /^Starter · Active, Nov 10, 2026/ });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('billing-history-row')).toHaveLength(2);
    expect(manual).toHaveTextContent('ends at period end');
    expect(within(manual).getByRole('time')).toHaveAttribute('datetime', '2026-11-10T10:00:00Z');
    const value = (card: HTMLElement, label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;
    expect(within(manual).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual(['Source', 'Reason']);
    expect(value(manual, 'Source')).toHaveTextContent('Set by 1CloudAI staff');
    expect(value(manual, 'Reason')).toHaveTextContent('Annual contract signed offline');

    const stripe = screen.getByRole('article', { name: /^Pro · Active, / });
    expect(stripe).toHaveTextContent('was Incomplete');
    expect(value(stripe, 'Source')).toHaveTextContent('Stripe');
    expect(value(stripe, 'Reason')).toHaveTextContent('Invoice paid');
  });

  it.each([
    { role: 'org_admin' as const, link: true, text: 'Change your package on the Packages page' },
    { role: 'member' as const, link: false, text: 'Ask an org admin to change the package.' },
  ])('offers to change the package only to those who may ($role)', async ({ role, link, text }) => {
    signInWithBilling({ role });
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    const changePlan = await screen.findByTestId('change-plan');
    await vi.waitFor(() => expect(changePlan).toHaveTextContent(text));
    if (link) expect(within(changePlan).getByRole('link', { name: text })).toHaveAttribute('href', '/packages');
    else expect(within(changePlan).queryByRole('link')).not.toBeInTheDocument();
  });
});
