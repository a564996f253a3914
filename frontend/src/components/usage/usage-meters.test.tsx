import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { Usage } from '@/lib/usage/get-usage';
import { renderWithProviders } from '@/testing/test-utils';

import { PlanLimits } from './plan-limits';
import { SeatLimitAlert, UsageMeters } from './usage-meters';

const pro = {
  id: 'pkg-pro',
  code: 'pro',
  name: 'Pro',
  description: 'For growing teams that live in the CRM.',
  price_cents: 14900,
  currency: 'usd',
  stripe_price_id: null,
  max_users: 50,
  searches_per_month: 20000,
  max_contacts_per_query: 500,
  api_access: true,
  api_requests_per_minute: 600,
  import_rows_per_month: 1000000,
  max_concurrent_jobs: 4,
  crm_pushes_per_month: 100000,
  max_import_file_bytes: 536870912,
  sort_order: 30,
  active: true,
};

const usage: Usage = {
  package: pro,
  downgraded: false,
  seats: { limit: 50, members: 7, pending_invitations: 2, remaining: 41 },
  api_keys: 0,
  quotas: [
    { metric: 'searches', limit: 20000, used: 18500, remaining: 1500, reset_at: '2026-12-01T00:00:00Z' },
    { metric: 'import_rows', limit: 1000000, used: 1000000, remaining: 0, reset_at: '2026-12-01T00:00:00Z' },
    { metric: 'crm_pushes', limit: 100000, used: 0, remaining: 100000, reset_at: '2026-12-01T00:00:00Z' },
  ],
};

function bar(id: string) {
  return screen.getByTestId(`meter-${id}-bar`);
}

describe('UsageMeters', () => {
  it('renders a meter for seats and every quota with used, limit and reset date', () => {
    renderWithProviders(<UsageMeters usage={usage} />);

    expect(screen.getByTestId('meter-seats-value')).toHaveTextContent('9 of 50');
    expect(screen.getByTestId('meter-seats')).toHaveTextContent('7 members + 2 pending invitations');
    expect(screen.getByTestId('meter-searches-value')).toHaveTextContent('18,500 of 20,000');
    expect(screen.getByTestId('meter-import_rows-value')).toHaveTextContent('1,000,000 of 1,000,000');
    expect(screen.getByTestId('meter-crm_pushes-value')).toHaveTextContent('0 of 100,000');
    expect(screen.getByTestId('meter-searches')).toHaveTextContent('Resets Dec 1, 2026');

    const progress = within(bar('searches')).getByRole('progressbar');
    expect(progress).toHaveAttribute('aria-valuenow', '92.5');
    expect(progress).toHaveAccessibleName('Searches this month: 18,500 of 20,000');
    // Colors say how close the limit is: orange from 80 %, red when used up.
    expect(bar('searches').innerHTML).toContain('orange');
    expect(bar('import_rows').innerHTML).toContain('red');
    expect(bar('crm_pushes').innerHTML).toContain('blue');
  });

  it('says the reset time where it is not midnight: the evening before the 1st west of UTC', () => {
    // The browser's time zone (Node reads TZ again when it changes).
    vi.stubEnv('TZ', 'America/New_York');
    try {
      renderWithProviders(<UsageMeters usage={usage} />);
      expect(screen.getByTestId('meter-searches')).toHaveTextContent('Resets Nov 30, 2026, 7:00 PM EST');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('says when the seat limit is reached', () => {
    const full = { ...usage, seats: { limit: 3, members: 2, pending_invitations: 1, remaining: 0 }, package: { ...pro, name: 'Free' } };
    renderWithProviders(<SeatLimitAlert usage={full} />);

    expect(screen.getByTestId('seat-limit-reached')).toHaveTextContent(
      'The Free package allows 3 users, and 2 members plus 1 pending invitation use them all.',
    );
  });

  it('says nothing while seats are left', () => {
    renderWithProviders(<SeatLimitAlert usage={usage} />);
    expect(screen.queryByTestId('seat-limit-reached')).not.toBeInTheDocument();
  });
});

describe('PlanLimits', () => {
  it('lists the feature and fixed limits of the package', () => {
    renderWithProviders(<PlanLimits pkg={pro} />);

    expect(screen.getByTestId('limit-max-users')).toHaveTextContent('50');
    expect(screen.getByTestId('limit-contacts-per-query')).toHaveTextContent('500');
    expect(screen.getByTestId('limit-api-access')).toHaveTextContent('Yes');
    expect(screen.getByTestId('limit-api-rpm')).toHaveTextContent('600');
    expect(screen.getByTestId('limit-concurrent-jobs')).toHaveTextContent('4');
    expect(screen.getByTestId('limit-import-file')).toHaveTextContent('512 MiB');
  });

  it('shows no request rate without API access', () => {
    renderWithProviders(<PlanLimits pkg={{ ...pro, api_access: false, api_requests_per_minute: 0 }} />);

    expect(screen.getByTestId('limit-api-access')).toHaveTextContent('No');
    expect(screen.getByTestId('limit-api-rpm')).toHaveTextContent('—');
  });
});
