import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { signInStaff } from '@/testing/staff';
import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { Package } from '../api/list-packages';
import { AdminPackagesRoute } from './packages';

const starter: Package = {
  id: 'pkg-starter',
  code: 'starter',
  name: 'Starter',
  description: 'For small sales teams.',
  price_cents: 4900,
  currency: 'usd',
  stripe_price_id: null,
  max_users: 10,
  searches_per_month: 2000,
  max_contacts_per_query: 100,
  api_access: true,
  api_requests_per_minute: 120,
  import_rows_per_month: 50000,
  max_concurrent_jobs: 2,
  crm_pushes_per_month: 5000,
  max_import_file_bytes: 52428800,
  sort_order: 20,
  active: true,
};

describe('AdminPackagesRoute', () => {
  it.each([
    { opener: 'Edit Starter', dialog: 'Edit package Starter' },
    { opener: 'New package', dialog: 'New package' },
  ])('gives focus back to $opener when its dialog closes', async ({ opener, dialog }) => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starter] }),
    });
    renderWithProviders(<AdminPackagesRoute />, { route: '/admin/packages' });

    const button = await screen.findByRole('button', { name: opener });
    await userEvent.click(button);
    const editor = await screen.findByRole('dialog', { name: dialog });
    await userEvent.click(within(editor).getByRole('button', { name: 'Cancel' }));

    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await vi.waitFor(() => expect(button).toHaveFocus());
  });
});
