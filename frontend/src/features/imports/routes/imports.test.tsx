import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { mediaQueryList } from '@/testing/media';
import { MeLoaded, signInStaff } from '@/testing/staff';
import { grantFor, jsonResponse, problemResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import type { ImportSummary } from '../api/list-imports';
import { importFixture } from '../testing/fixtures';
import { ImportsRoute } from './imports';

function summary(overrides: Partial<ImportSummary>): ImportSummary {
  return importFixture(overrides);
}

// The history's rows: which may be discarded (they never ran) and which stay.
const uploaded = summary({ id: 'imp-up', file_name: 'wrong.csv' });
const cancelledQueued = summary({ id: 'imp-cq', file_name: 'queued-then-cancelled.csv', status: 'cancelled', queued_at: '2026-11-28T10:01:00Z', finished_at: '2026-11-28T10:02:00Z' });
const dryRan = summary({ id: 'imp-dry', file_name: 'dry.csv', status: 'completed', dry_run: true, started_at: '2026-11-28T10:01:00Z' });
const cancelledRunning = summary({ id: 'imp-cr', file_name: 'cancelled-mid-run.csv', status: 'cancelled', started_at: '2026-11-28T10:01:00Z' });
const completed = summary({ id: 'imp-done', file_name: 'done.csv', status: 'completed', started_at: '2026-11-28T10:01:00Z' });
const queued = summary({ id: 'imp-q', file_name: 'waiting.csv', status: 'queued' });

function openHistory({ permissions = ['imports:read', 'imports:write'], deleteStatus = 204 } = {}) {
  installAuth();
  const grant = grantFor();
  applyGrant(grant);
  let items = [uploaded, cancelledQueued, dryRan, cancelledRunning, completed, queued];
  const deleted: string[] = [];
  stubApi({
    'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions }),
    'GET /imports': () => jsonResponse({ items, next_cursor: '' }),
    'DELETE /imports/:id': (_request, { path }) => {
      deleted.push(path);
      if (deleteStatus !== 204) {
        return problemResponse({
          status: deleteStatus,
          title: 'Conflict',
          code: 'conflict',
          detail: 'The import is queued: it stays in the history as the record of what it did to contacts.',
        });
      }
      items = items.filter((i) => path !== `/imports/${i.id}`);
      return new Response(null, { status: 204 });
    },
  });
  renderRoutes([{ path: '/imports', element: <><ImportsRoute /><MeLoaded /></> }], { route: '/imports' });
  return { deleted };
}

describe('discarding from the import history', () => {
  it('offers Discard only on imports that never ran', async () => {
    openHistory();
    const history = await screen.findByRole('table', { name: 'Import history' });
    await within(history).findByRole('button', { name: 'Discard wrong.csv' });
    const offered = within(history)
      .getAllByRole('button', { name: /^Discard / })
      .map((b) => b.getAttribute('aria-label'));
    expect(offered).toEqual(['Discard wrong.csv', 'Discard queued-then-cancelled.csv', 'Discard dry.csv']);
  });

  it('discards a row after confirmation and the refreshed history no longer lists it', async () => {
    const { deleted } = openHistory();
    const history = await screen.findByRole('table', { name: 'Import history' });
    await userEvent.click(await within(history).findByRole('button', { name: 'Discard queued-then-cancelled.csv' }));
    const dialog = await screen.findByRole('dialog', { name: 'Discard this import?' });
    expect(dialog).toHaveTextContent('“queued-then-cancelled.csv” leaves the history. It was cancelled before it ran');
    // Cancel keeps it.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(deleted).toEqual([]);

    await userEvent.click(within(history).getByRole('button', { name: 'Discard wrong.csv' }));
    const again = await screen.findByRole('dialog', { name: 'Discard this import?' });
    expect(again).toHaveTextContent('“wrong.csv” and its preview are removed');
    await userEvent.click(within(again).getByRole('button', { name: 'Discard import' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'wrong.csv' })).not.toBeInTheDocument());
    expect(deleted).toEqual(['/imports/imp-up']);
    expect(screen.getByRole('link', { name: 'queued-then-cancelled.csv' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('shows the server’s sentence in the dialog when the import can no longer be discarded', async () => {
    openHistory({ deleteStatus: 409 });
    await userEvent.click(await screen.findByRole('button', { name: 'Discard wrong.csv' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Discard import' }));
    expect(await screen.findByText(/The import is queued: it stays in the history/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'wrong.csv' })).toBeInTheDocument();

    // Closed and opened again (on another row), the dialog starts without the old error.
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await userEvent.click(screen.getByRole('button', { name: 'Discard dry.csv' }));
    const dialog = await screen.findByRole('dialog', { name: 'Discard this import?' });
    expect(dialog).toHaveTextContent('(the dry run wrote nothing)');
    expect(within(dialog).queryByText(/The import is queued/)).not.toBeInTheDocument();
  });

  it('is not offered without imports:write', async () => {
    openHistory({ permissions: ['imports:read'] });
    await screen.findByRole('link', { name: 'wrong.csv' });
    await screen.findByTestId('me-loaded');
    expect(screen.queryByRole('button', { name: /^Discard/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
  });
});

describe('the import history on a phone', () => {
  it('shows a card per import with each value labelled and Discard on the cards of those that never ran, no table', async () => {
    // Below Mantine's `sm` (375 px): the 800px table put the outcomes, the dates and Discard past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    const { deleted } = openHistory();

    const done = await screen.findByRole('article', { name: 'done.csv' });
    expect(screen.queryByRole('table', { name: 'Import history' })).not.toBeInTheDocument();
    expect(within(done).getByRole('link', { name: 'done.csv' })).toHaveAttribute('href', '/imports/imp-done');
    const value = (label: string) => within(done).getByText(label, { selector: 'dt' }).nextElementSibling;
    expect(within(done).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual([
      'Status',
      'Rows',
      'Outcomes',
      'Started',
      'Finished',
    ]);
    expect(value('Status')).toHaveTextContent('Completed');
    expect(value('Outcomes')).toHaveTextContent('0 created · 0 matched · 0 duplicate · 0 invalid');
    expect(value('Started')).toHaveTextContent('Nov 28, 2026');
    expect(within(done).queryByRole('button')).not.toBeInTheDocument();

    // The same imports offer Discard as in the table, each on its own card.
    const offered = ['wrong.csv', 'queued-then-cancelled.csv', 'dry.csv'];
    for (const name of offered) {
      expect(within(screen.getByRole('article', { name })).getByRole('button', { name: `Discard ${name}` })).toBeInTheDocument();
    }
    expect(screen.getAllByRole('button', { name: /^Discard / })).toHaveLength(offered.length);

    await userEvent.click(within(screen.getByRole('article', { name: 'wrong.csv' })).getByRole('button', { name: 'Discard wrong.csv' }));
    await userEvent.click(within(await screen.findByRole('dialog', { name: 'Discard this import?' })).getByRole('button', { name: 'Discard import' }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'wrong.csv' })).not.toBeInTheDocument());
    expect(deleted).toEqual(['/imports/imp-up']);
  });
});

describe('the import history with a long file name', () => {
  it('keeps a long file name to one cut line with the whole name on hover', async () => {
    // One long word: it wrapped nowhere and pushed Status, Rows and Outcomes out of the table's view.
    const long = `${'quarterly_export_from_salesforce_all_regions_'.repeat(5)}2026.csv`;
    installAuth();
    const grant = grantFor();
    applyGrant(grant);
    stubApi({
      'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions: ['imports:read'] }),
      'GET /imports': () => jsonResponse({ items: [summary({ id: 'imp-long', file_name: long })], next_cursor: '' }),
    });
    renderRoutes([{ path: '/imports', element: <ImportsRoute /> }], { route: '/imports' });

    const link = await screen.findByRole('link', { name: long });
    expect(link).toHaveAttribute('title', long);
    expect(link).toHaveAttribute('data-truncate', 'end');
    expect(link).toHaveAttribute('href', '/imports/imp-long');
  });
});

describe('discarding from the platform import history', () => {
  const platformRows = [
    summary({ id: 'imp-p1', scope: 'platform', file_name: 'vendor-wrong.csv' }),
    summary({ id: 'imp-p2', scope: 'platform', file_name: 'vendor-feed.csv', status: 'completed', started_at: '2026-11-28T10:01:00Z' }),
  ];

  it('lets a system admin discard an uploaded platform import under /admin/imports', async () => {
    const me = signInStaff('system_admin');
    let items = platformRows;
    const deleted: string[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports': () => jsonResponse({ items, next_cursor: '' }),
      'DELETE /admin/imports/:id': (_request, { path }) => {
        deleted.push(path);
        items = items.filter((i) => path !== `/admin/imports/${i.id}`);
        return new Response(null, { status: 204 });
      },
    });
    renderRoutes([{ path: '/admin/imports', element: <ImportsRoute scope="platform" /> }], { route: '/admin/imports' });

    await userEvent.click(await screen.findByRole('button', { name: 'Discard vendor-wrong.csv' }));
    expect(screen.queryByRole('button', { name: 'Discard vendor-feed.csv' })).not.toBeInTheDocument();
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Discard import' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'vendor-wrong.csv' })).not.toBeInTheDocument());
    expect(deleted).toEqual(['/admin/imports/imp-p1']);
  });

  it('offers support staff no Discard', async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports': () => jsonResponse({ items: platformRows, next_cursor: '' }),
    });
    renderRoutes(
      [{ path: '/admin/imports', element: <><ImportsRoute scope="platform" /><MeLoaded /></> }],
      { route: '/admin/imports' },
    );
    await screen.findByRole('link', { name: 'vendor-wrong.csv' });
    await screen.findByTestId('me-loaded');
    expect(screen.queryByRole('button', { name: /^Discard/ })).not.toBeInTheDocument();
  });
});
