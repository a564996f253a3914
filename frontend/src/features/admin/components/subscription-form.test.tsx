import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { signInStaff } from '@/testing/staff';
import { starterPackage } from '@/testing/packages';
import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { SubscriptionForm } from './subscription-form';

describe('SubscriptionForm', () => {
  it.each([
    { zone: 'Europe/Berlin', local: 'That is Jan 1, 2027, 12:59 AM GMT+1 where you are.' },
    { zone: 'America/Los_Angeles', local: 'That is Dec 31, 2026, 3:59 PM PST where you are.' },
  ])('says the period end is the end of the chosen day in UTC, and when that is for staff in $zone', async ({ zone, local }) => {
    vi.stubEnv('TZ', zone);
    const me = signInStaff('system_admin');
    const bodies: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
      'PUT /admin/tenants/:id/subscription': async (request) => {
        bodies.push(await request.json());
        return jsonResponse({});
      },
    });
    renderWithProviders(<SubscriptionForm tenantId="t-acme" currentPackageCode="starter" currentStatus="active" />);

    const input = screen.getByLabelText('Period ends (UTC)');
    const field = input.closest<HTMLElement>('.mantine-InputWrapper-root');
    if (!field) throw new Error('no input wrapper');
    expect(field).toHaveTextContent('Optional; the chosen day is included, to 23:59:59 UTC');
    await userEvent.type(input, '2026-12-31');
    expect(within(field).getByTestId('period-end-local')).toHaveTextContent(local);

    await userEvent.type(screen.getByRole('textbox', { name: 'Reason' }), 'Annual contract');
    await userEvent.click(screen.getByRole('button', { name: 'Assign subscription' }));
    await vi.waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toMatchObject({ current_period_end: '2026-12-31T23:59:59Z' });
  });

  it('clears the reason and the period end after an assignment, so the next one starts from an empty form', async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
      'PUT /admin/tenants/:id/subscription': () => jsonResponse({}),
    });
    renderWithProviders(<SubscriptionForm tenantId="t-acme" currentPackageCode="starter" currentStatus="active" />);

    const periodEnd = screen.getByLabelText('Period ends (UTC)');
    const reason = screen.getByRole('textbox', { name: 'Reason' });
    await userEvent.type(periodEnd, '2026-12-31');
    await userEvent.type(reason, 'Annual contract');
    await userEvent.click(screen.getByRole('button', { name: 'Assign subscription' }));

    await screen.findByText('Subscription assigned.');
    expect(reason).toHaveValue('');
    expect(periodEnd).toHaveValue('');
    expect(screen.queryByTestId('period-end-local')).not.toBeInTheDocument();
  });

  it('moves focus to the reason when it is missing, so keyboard and screen reader users hear what to fix', async () => {
    const me = signInStaff('system_admin');
    const bodies: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starterPackage] }),
      'PUT /admin/tenants/:id/subscription': async (request) => {
        bodies.push(await request.json());
        return jsonResponse({});
      },
    });
    renderWithProviders(<SubscriptionForm tenantId="t-acme" currentPackageCode="starter" currentStatus="active" />);

    await userEvent.click(screen.getByRole('button', { name: 'Assign subscription' }));

    const reason = screen.getByRole('textbox', { name: 'Reason' });
    expect(reason).toHaveAccessibleDescription(/Say why \(at least 3 characters\)/);
    expect(reason).toHaveFocus();
    expect(bodies).toEqual([]);
  });
});
