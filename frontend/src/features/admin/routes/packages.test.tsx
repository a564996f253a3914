import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { signInStaff } from '@/testing/staff';
import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';
import { starterPackage } from '@/testing/packages';

import { AdminPackagesRoute } from './packages';

const starter = starterPackage;

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
