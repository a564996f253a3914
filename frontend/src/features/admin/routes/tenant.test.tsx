import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { components } from '@/api/schema';
import { adminRoutes, signInStaff } from '@/testing/staff';
import { starterPackage } from '@/testing/packages';
import { jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { AdminTenantRoute } from './tenant';

const routes = adminRoutes([{ path: 'tenants/:tenantId', element: <AdminTenantRoute /> }]);

const detail: components['schemas']['AdminTenantDetail'] = {
  tenant: { id: 't-acme', name: 'Acme', status: 'active', default_region: 'US', created_at: '2026-11-01T10:00:00Z' },
  suspended_reason: null,
  members: [],
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
    expect(screen.getByText('Period ends (UTC)')).toBeInTheDocument();
    expect(screen.getByTestId('admin-period-end-local')).toHaveTextContent(`${local} where you are`);
  });
});
