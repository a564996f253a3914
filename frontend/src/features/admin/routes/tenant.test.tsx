import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { components } from '@/api/schema';
import { mediaQueryList } from '@/testing/media';
import { adminRoutes, signInStaff } from '@/testing/staff';
import { starterPackage } from '@/testing/packages';
import { jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { AdminTenantRoute } from './tenant';

type AdminTenantDetail = components['schemas']['AdminTenantDetail'];

const routes = adminRoutes([{ path: 'tenants/:tenantId', element: <AdminTenantRoute /> }]);

const detail: AdminTenantDetail = {
  tenant: { id: 't-acme', name: 'Acme', status: 'active', default_region: 'US', created_at: '2026-11-01T10:00:00Z' },
  suspended_reason: null,
  members: [],
  failed_checkouts: [],
  usage: {
    package: starterPackage,
    downgraded: false,
    api_keys: 0,
    seats: { limit: 10, members: 1, pending_invitations: 0, remaining: 9 },
    quotas: [],
    subscription: {
      package_id: starterPackage.id,
      status: 'active',
      source: 'manual',
      cancel_at_period_end: false,
      // What the assignment form sends for "Dec 31, 2026": the end of that day in UTC.
      current_period_end: '2026-12-31T23:59:59Z',
      current_period_start: null,
      past_due_since: null,
      updated_at: '2026-11-01T10:00:00Z',
    },
  },
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('admin tenant', () => {
  it.each([
    { zone: 'Europe/Berlin', local: 'Jan 1, 2027, 12:59 AM GMT+1' },
    { zone: 'America/Los_Angeles', local: 'Dec 31, 2026, 3:59 PM PST' },
  ])('shows the period end on the UTC day staff picked, not the next day, for staff in $zone', async ({ zone, local }) => {
    vi.stubEnv('TZ', zone);
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () => jsonResponse(detail),
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    const periodEnd = await screen.findByTestId('admin-period-end');
    expect(periodEnd).toHaveTextContent('Dec 31, 2026, 11:59 PM UTC');
    // The tenant's name is the page's one h1, its sections h2.
    expect(screen.getAllByRole('heading', { level: 1 }).map((h) => h.textContent)).toEqual([detail.tenant.name]);
    expect(screen.getByRole('heading', { level: 2, name: 'Package and usage' })).toBeInTheDocument();
    expect(screen.getByText('Period ends (UTC)')).toBeInTheDocument();
    expect(screen.getByTestId('admin-period-end-local')).toHaveTextContent(`${local} where you are`);
  });

  it('names who set the subscription as the billing page does, not by its raw source', async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () => jsonResponse(detail),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    expect(await screen.findByTestId('admin-subscription-badge')).toHaveTextContent('Active · Set by 1CloudAI staff');
  });

  it('names the package in force when the subscription is not, rather than always Free', async () => {
    const me = signInStaff('support');
    const basic = { ...starterPackage, id: 'pkg-basic', code: 'basic', name: 'Basic', price_cents: 0 };
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () =>
        jsonResponse({
          ...detail,
          usage: {
            ...detail.usage,
            package: basic,
            downgraded: true,
            reason: 'the subscription is canceled',
            subscription: { ...detail.usage.subscription!, status: 'canceled', source: 'stripe', current_period_end: null },
          },
        }),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage, basic] }),
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    const alert = await screen.findByTestId('admin-downgraded');
    // The subscription's package is named once the package list has come.
    await vi.waitFor(() => expect(alert).toHaveTextContent('The Starter package'));
    expect(alert).toHaveTextContent('The Starter package is not in force (the subscription is canceled); the Basic limits apply.');
    expect(alert).not.toHaveTextContent('Free');
    expect(screen.getByTestId('admin-subscription-badge')).toHaveTextContent('Canceled · Stripe');
  });

  it('says when the plan staff set has ended and the Stripe subscription kept beside it applies again', async () => {
    const me = signInStaff('support');
    const pro = { ...starterPackage, id: 'pkg-pro', code: 'pro', name: 'Pro', price_cents: 14900 };
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () =>
        jsonResponse({
          ...detail,
          usage: {
            ...detail.usage,
            package: starterPackage,
            downgraded: false,
            reason: 'the package set by platform staff is over; the Stripe subscription kept beside it applies',
            subscription: { ...detail.usage.subscription!, package_id: pro.id, current_period_end: '2026-11-01T00:00:00Z' },
          },
        }),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage, pro] }),
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    const alert = await screen.findByTestId('admin-staff-plan-over');
    await vi.waitFor(() => expect(alert).toHaveTextContent('The Pro package'));
    expect(alert).toHaveTextContent(
      'The Pro package staff set has ended; the Starter package of the Stripe subscription kept beside it applies again',
    );
    expect(screen.getByTestId('admin-subscription-badge')).toHaveTextContent('Ended · Set by 1CloudAI staff');
    expect(screen.getByText('Period ended (UTC)')).toBeInTheDocument();
    expect(screen.getByTestId('admin-tenant-package')).toHaveTextContent('Starter');
  });

  const failedCheckout = {
    event_id: 'evt_cs_1',
    received_at: '2026-11-20T10:00:00Z',
    outcome: 'failed after 10 attempts: fetch subscription: connection refused',
  };

  it('lets a system admin retry a paid checkout whose job gave up', async () => {
    const me = signInStaff('system_admin');
    let failed = [failedCheckout];
    const retried: string[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () => jsonResponse({ ...detail, failed_checkouts: failed }),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
      'POST /admin/tenants/:id/checkouts/:event_id/retry': (request) => {
        retried.push(new URL(request.url).pathname);
        failed = [];
        return new Response(null, { status: 204 });
      },
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    const card = await screen.findByTestId('admin-failed-checkouts');
    expect(within(card).getByRole('heading', { level: 2, name: 'Paid checkouts not applied' })).toBeInTheDocument();
    expect(card).toHaveTextContent('failed after 10 attempts: fetch subscription: connection refused');
    await userEvent.click(within(card).getByRole('button', { name: 'Retry evt_cs_1' }));

    await vi.waitFor(() => expect(screen.queryByTestId('admin-failed-checkouts')).not.toBeInTheDocument());
    expect(retried).toEqual(['/api/v1/admin/tenants/t-acme/checkouts/evt_cs_1/retry']);
  });

  it('shows support the failed checkouts without a retry', async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () => jsonResponse({ ...detail, failed_checkouts: [failedCheckout] }),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    const card = await screen.findByTestId('admin-failed-checkouts');
    expect(card).toHaveTextContent('evt_cs_1');
    expect(card).toHaveTextContent('A system admin can retry them.');
    expect(within(card).queryByRole('button', { name: /Retry/ })).not.toBeInTheDocument();
  });

  it('shows no failed checkouts section when there are none', async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () => jsonResponse(detail),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    await screen.findByTestId('admin-tenant-name');
    expect(screen.queryByTestId('admin-failed-checkouts')).not.toBeInTheDocument();
  });

  it("links to the review queue filtered to the tenant's corrections", async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () => jsonResponse(detail),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    await screen.findByTestId('admin-tenant-name');
    expect(screen.getByRole('link', { name: 'Review its corrections' })).toHaveAttribute(
      'href',
      `/admin/corrections?tenant_id=${detail.tenant.id}`,
    );
  });

  const member = {
    user_id: 'u-ada',
    email: 'ada@acme.test',
    name: 'Ada',
    role: 'org_admin',
    joined_at: '2026-11-01T10:00:00Z',
    last_login_at: null,
  } as AdminTenantDetail['members'][number];

  it.each([
    { screenName: 'a wide screen', phone: false },
    { screenName: 'a phone', phone: true },
  ])('on $screenName, shows each member and failed checkout with its values labelled and Retry beside it', async ({ phone }) => {
    // Below Mantine's `sm` (375 px) a card each: the two 600px tables went past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, phone && query.includes('max-width')));
    const me = signInStaff('system_admin');
    let failed = [failedCheckout];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants/:id': () => jsonResponse({ ...detail, members: [member], failed_checkouts: failed }),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
      'POST /admin/tenants/:id/checkouts/:event_id/retry': () => {
        failed = [];
        return new Response(null, { status: 204 });
      },
    });
    renderRoutes(routes, { route: '/admin/tenants/t-acme' });

    const checkouts = await screen.findByTestId('admin-failed-checkouts');
    let ada: HTMLElement;
    let checkout: HTMLElement;
    if (phone) {
      expect(screen.queryByRole('table')).not.toBeInTheDocument();
      ada = screen.getByRole('article', { name: 'ada@acme.test' });
      checkout = within(checkouts).getByRole('article', { name: 'evt_cs_1' });
      const labels = (card: HTMLElement) => within(card).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent);
      const value = (card: HTMLElement, label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;
      expect(labels(ada)).toEqual(['Name', 'Role', 'Joined', 'Last sign-in']);
      expect(value(ada, 'Role')).toHaveTextContent('Org admin');
      expect(value(ada, 'Joined')).toHaveTextContent('Nov 1, 2026');
      expect(value(ada, 'Last sign-in')).toHaveTextContent('Never');
      expect(labels(checkout)).toEqual(['Received', 'Outcome']);
      expect(value(checkout, 'Outcome')).toHaveTextContent('failed after 10 attempts');
    } else {
      expect(screen.queryByRole('article', { name: 'ada@acme.test' })).not.toBeInTheDocument();
      ada = screen.getByRole('row', { name: /ada@acme.test/ });
      expect(within(ada).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
        'ada@acme.test',
        'Ada',
        'Org admin',
        'Nov 1, 2026',
        'Never',
      ]);
      checkout = within(checkouts).getByRole('row', { name: /evt_cs_1/ });
      expect(within(checkouts).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
        'Stripe event',
        'Received',
        'Outcome',
        'Actions',
      ]);
      expect(checkout).toHaveTextContent('failed after 10 attempts');
    }

    await userEvent.click(within(checkout).getByRole('button', { name: 'Retry evt_cs_1' }));
    await vi.waitFor(() => expect(screen.queryByTestId('admin-failed-checkouts')).not.toBeInTheDocument());
  });
});
