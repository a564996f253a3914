import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { MeLoaded, signInStaff } from '@/testing/staff';
import { jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { importFixture } from '../testing/fixtures';
import { ImportRoute } from './import';
import { ImportsRoute } from './imports';
import { NewImportRoute } from './new-import';

// The admin console mounts the three pages like this (app/routes.tsx).
const platformRoutes = [
  { path: '/admin/imports', element: <ImportsRoute scope="platform" /> },
  { path: '/admin/imports/new', element: <NewImportRoute scope="platform" /> },
  { path: '/admin/imports/:importId', element: <ImportRoute scope="platform" /> },
];


const summary = {
  ...importFixture({ id: 'imp-7', scope: 'platform', file_name: 'vendor-feed.csv', status: 'completed' }),
  counts: { created: 3, matched: 0, updated: 0, duplicate: 0, invalid: 1, with_warnings: 0 },
};


describe('platform imports pages', () => {
  it('lists the platform history with links into the admin console and "New import" for system admins', async () => {
    const me = signInStaff('system_admin');
    const api = stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports': () => jsonResponse({ items: [summary], next_cursor: '' }),
    });
    renderRoutes(platformRoutes, { route: '/admin/imports' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Platform imports' })).toBeInTheDocument();
    const history = await screen.findByRole('table', { name: 'Import history' });
    expect(within(history).getByRole('link', { name: 'vendor-feed.csv' })).toHaveAttribute('href', '/admin/imports/imp-7');
    expect(within(history).getByText('3 created · 0 matched · 0 duplicate · 1 invalid')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'New import' })).toHaveAttribute('href', '/admin/imports/new');
    expect(api.mock.calls.some(([r]) => new URL(r.url).pathname === '/api/v1/imports')).toBe(false);
  });

  it('shows support staff the history without "New import"', async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports': () => jsonResponse({ items: [summary], next_cursor: '' }),
    });
    renderRoutes(
      [{ path: '/admin/imports', element: <><ImportsRoute scope="platform" /><MeLoaded /></> }],
      { route: '/admin/imports' },
    );

    await screen.findByRole('link', { name: 'vendor-feed.csv' });
    await screen.findByTestId('me-loaded');
    expect(screen.queryByRole('link', { name: 'New import' })).not.toBeInTheDocument();
  });

  it('uploads to /admin/imports and opens the platform import, explaining it writes the shared database', async () => {
    const me = signInStaff('system_admin');
    let uploaded = '';
    const created = importFixture({ id: 'imp-9', scope: 'platform', file_name: 'feed.csv' });
    stubApi({
      'GET /me': () => jsonResponse(me),
      'POST /admin/imports': async (request) => {
        // Only the part's presence: jsdom's File loses name and content on its way into Node's fetch.
        uploaded = (await request.formData()).has('file') ? 'file' : '';
        return jsonResponse(created, { status: 201 });
      },
      'GET /admin/imports/:id': () => jsonResponse(created),
    });
    const { router } = renderRoutes(platformRoutes, { route: '/admin/imports/new' });

    expect(await screen.findByRole('heading', { level: 1, name: 'New platform import' })).toBeInTheDocument();
    expect(screen.getByTestId('platform-import-explanation')).toHaveTextContent(
      'Rows are added to or update the shared contact database that every tenant searches.',
    );
    expect(screen.getByText(/not metered/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '← All platform imports' })).toHaveAttribute('href', '/admin/imports');

    await userEvent.upload(screen.getByLabelText('File to import'), new File(['email\na@b.example\n'], 'feed.csv', { type: 'text/csv' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/admin/imports/imp-9'));
    expect(uploaded).toBe('file');
    expect(await screen.findByRole('heading', { level: 1, name: 'Platform import' })).toBeInTheDocument();
    expect(await screen.findByTestId('import-wizard')).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Add every imported contact to list' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start import' })).toBeEnabled();
  });

  it('shows support staff a platform import read-only', async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports/:id': () => jsonResponse(importFixture({ scope: 'platform' })),
    });
    renderRoutes(
      [{ path: '/admin/imports/:importId', element: <><ImportRoute scope="platform" /><MeLoaded /></> }],
      { route: '/admin/imports/imp-1' },
    );

    expect(await screen.findByTestId('import-wizard')).toBeInTheDocument();
    await screen.findByTestId('me-loaded');
    expect(screen.queryByRole('button', { name: 'Start import' })).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Source' })).toBeDisabled();
  });
});
