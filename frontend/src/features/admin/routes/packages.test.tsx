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

  it('asks before deactivating a package, naming it and saying what it does', async () => {
    const me = signInStaff('system_admin');
    const patches: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starter] }),
      'PATCH /admin/packages/:id': async (request) => {
        patches.push(await request.json());
        return jsonResponse({ ...starter, active: false });
      },
    });
    renderWithProviders(<AdminPackagesRoute />, { route: '/admin/packages' });

    const row = await screen.findByRole('row', { name: /Starter/ });
    await userEvent.click(within(row).getByRole('button', { name: 'Deactivate Starter' }));

    const dialog = await screen.findByRole('dialog', { name: 'Deactivate Starter' });
    expect(dialog).toHaveTextContent('new customers can no longer see or buy it');
    expect(dialog).toHaveTextContent('Organizations already on Starter keep it');
    expect(patches).toEqual([]);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(patches).toEqual([]);

    await userEvent.click(within(row).getByRole('button', { name: 'Deactivate Starter' }));
    const again = await screen.findByRole('dialog', { name: 'Deactivate Starter' });
    await userEvent.click(within(again).getByRole('button', { name: 'Deactivate package' }));

    await vi.waitFor(() => expect(patches).toEqual([{ active: false }]));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('activates an inactive package at once: nothing to lose', async () => {
    const me = signInStaff('system_admin');
    const patches: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [{ ...starter, active: false }] }),
      'PATCH /admin/packages/:id': async (request) => {
        patches.push(await request.json());
        return jsonResponse(starter);
      },
    });
    renderWithProviders(<AdminPackagesRoute />, { route: '/admin/packages' });

    await userEvent.click(await screen.findByRole('button', { name: 'Activate Starter' }));

    await vi.waitFor(() => expect(patches).toEqual([{ active: true }]));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
