import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, problemResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import type { Import } from '../api/get-import';
import { ImportRoute } from '../routes/import';
import { importFixture } from '../testing/fixtures';

function openImport(imp: Import, { permissions = ['imports:read', 'imports:write'], deleteStatus = 204 } = {}) {
  installAuth();
  const grant = grantFor();
  applyGrant(grant);
  const deleted: string[] = [];
  stubApi({
    'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions }),
    'GET /tenant/usage': () => problemResponse({ status: 403, title: 'Forbidden' }),
    'GET /lists': () => jsonResponse({ items: [], next_cursor: '' }),
    'GET /imports/:id': () => jsonResponse(imp),
    'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    'DELETE /imports/:id': (_request, { path }) => {
      deleted.push(path);
      return deleteStatus === 204
        ? new Response(null, { status: 204 })
        : problemResponse({
            status: deleteStatus,
            title: 'Conflict',
            code: 'conflict',
            detail: 'The import is queued: it stays in the history as the record of what it did to contacts.',
          });
    },
  });
  const { router } = renderRoutes(
    [
      { path: '/imports', element: <p>History</p> },
      { path: '/imports/:importId', element: <ImportRoute /> },
    ],
    { route: `/imports/${imp.id}` },
  );
  return { router, deleted };
}

describe('discarding an import', () => {
  it('discards an uploaded import after confirmation and returns to the history', async () => {
    const { router, deleted } = openImport(importFixture({ id: 'imp-1', file_name: 'wrong.csv' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Discard this import' }));
    const dialog = await screen.findByRole('dialog', { name: 'Discard this import?' });
    expect(dialog).toHaveTextContent('“wrong.csv” and its preview are removed');
    // Cancel keeps it.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(deleted).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Discard this import' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Discard import' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports'));
    expect(deleted).toEqual(['/imports/imp-1']);
    expect(screen.getByText('History')).toBeInTheDocument();
  });

  it('shows the server’s sentence when the import can no longer be discarded', async () => {
    const { router } = openImport(importFixture({ id: 'imp-1' }), { deleteStatus: 409 });
    await userEvent.click(await screen.findByRole('button', { name: 'Discard this import' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Discard import' }));
    expect(await screen.findByText(/The import is queued: it stays in the history/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/imports/imp-1');
  });

  it('offers a dry run that ended', async () => {
    openImport(importFixture({ id: 'imp-dry', status: 'completed', dry_run: true }));
    expect(await screen.findByRole('button', { name: 'Discard this import' })).toBeEnabled();
  });

  it('is not offered while a dry run waits for its slot (its job would run on)', async () => {
    openImport(importFixture({ id: 'imp-2', status: 'queued', dry_run: true }));
    expect(await screen.findByTestId('dry-run-progress')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Discard this import' })).not.toBeInTheDocument();
  });

  it('discards an import cancelled before it ran from its page', async () => {
    const { router, deleted } = openImport(
      importFixture({ id: 'imp-4', file_name: 'queued.csv', status: 'cancelled', queued_at: '2026-11-28T10:01:00Z' }),
    );
    expect(await screen.findByText('Cancelled before it ran: nothing was imported from the file.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Discard this import' }));
    const dialog = await screen.findByRole('dialog', { name: 'Discard this import?' });
    expect(dialog).toHaveTextContent('“queued.csv” leaves the history. It was cancelled before it ran');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Discard import' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports'));
    expect(deleted).toEqual(['/imports/imp-4']);
  });

  it('is not offered for an import cancelled once it ran (its merged rows stay in the history)', async () => {
    openImport(
      importFixture({
        id: 'imp-5',
        status: 'cancelled',
        started_at: '2026-11-28T10:02:00Z',
        progress: { phase: 'cancelled', rows_total: 3, rows_done: 2, percent: 66, rate: 0, eta_seconds: null },
      }),
    );
    expect(await screen.findByText(/Cancelled after 2 of 3 rows/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Discard this import' })).not.toBeInTheDocument();
  });

  it('is not offered without imports:write', async () => {
    openImport(importFixture({ id: 'imp-3' }), { permissions: ['imports:read'] });
    expect(await screen.findByTestId('import-wizard')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Discard this import' })).not.toBeInTheDocument();
  });
});
