import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { mediaQueryList } from '@/testing/media';
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

  it('lists each package in a row of the table with its limits in labelled columns, on a wide screen', async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starter] }),
    });
    renderWithProviders(<AdminPackagesRoute />, { route: '/admin/packages' });

    const row = await screen.findByRole('row', { name: /Starter/ });
    expect(screen.getByTestId('admin-packages-table')).toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Package',
      'Price',
      'Stripe price',
      'Users',
      'Searches / mo',
      'Per query',
      'API',
      'Import rows / mo',
      'CRM pushes / mo',
      'Jobs',
      'File size',
      'Status',
      'Actions',
    ]);
    expect(within(row).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
      'Starterstarter',
      '$49.00',
      'Not sold online',
      '10',
      '2,000',
      '100',
      '120/min',
      '50,000',
      '5,000',
      '2',
      '50 MiB',
      'Active',
      'EditDeactivate',
    ]);
  });

  it('on a phone, shows a card per package with each limit labelled and Edit and Deactivate on it, no table', async () => {
    // Below Mantine's `sm` (375 px): the 1120px table put Edit and Deactivate at x≈1052-1112.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starter, { ...starter, id: 'pkg-old', code: 'old', name: 'Old', active: false }] }),
    });
    renderWithProviders(<AdminPackagesRoute />, { route: '/admin/packages' });

    const card = await screen.findByRole('article', { name: 'Starter' });
    expect(screen.queryByTestId('admin-packages-table')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('admin-package-row')).toHaveLength(2);
    expect(card).toHaveTextContent('starter');
    const value = (label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;
    expect(within(card).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual([
      'Price',
      'Stripe price',
      'Users',
      'Searches / mo',
      'Per query',
      'API',
      'Import rows / mo',
      'CRM pushes / mo',
      'Jobs',
      'File size',
      'Status',
    ]);
    expect(value('Price')).toHaveTextContent('$49.00');
    expect(value('API')).toHaveTextContent('120/min');
    expect(value('File size')).toHaveTextContent('50 MiB');
    expect(value('Status')).toHaveTextContent('Active');
    expect(within(screen.getByRole('article', { name: 'Old' })).getByRole('button', { name: 'Activate Old' })).toBeInTheDocument();

    await userEvent.click(within(card).getByRole('button', { name: 'Edit Starter' }));
    const editor = await screen.findByRole('dialog', { name: 'Edit package Starter' });
    await userEvent.click(within(editor).getByRole('button', { name: 'Cancel' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    await userEvent.click(within(card).getByRole('button', { name: 'Deactivate Starter' }));
    expect(await screen.findByRole('dialog', { name: 'Deactivate Starter' })).toBeInTheDocument();
  });

  it('shows support the packages on a phone without Edit or Deactivate', async () => {
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/packages': () => jsonResponse({ items: [starter] }),
    });
    renderWithProviders(<AdminPackagesRoute />, { route: '/admin/packages' });

    const card = await screen.findByRole('article', { name: 'Starter' });
    expect(card).toHaveTextContent('$49.00');
    expect(within(card).queryByRole('button')).not.toBeInTheDocument();
  });
});
