import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { captureDownloads, jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { adminPermissions, contact, me, memberPermissions, signIn, usage, viewerPermissions } from '../testing/fixtures';
import { SavedRoute } from './saved';

const list = { id: 'list-1', name: 'Berlin engineers', member_count: 2, created_at: '2026-11-28T10:00:00Z', updated_at: '2026-11-28T10:00:00Z' };
const saved = [
  contact({ first_name: 'Ada', last_name: 'Lovelace', saved: true, saved_status: 'saved', saved_at: '2026-11-28T10:00:00Z', lists: [{ id: list.id, name: list.name }] }),
  contact({ first_name: 'Alan', last_name: 'Turing', saved: true, saved_status: 'saved', saved_at: '2026-11-28T10:00:00Z', lists: [{ id: list.id, name: list.name }] }),
];

function stubSaved(permissions: string[], extra: Parameters<typeof stubApi>[0] = {}) {
  const queries: URLSearchParams[] = [];
  const fetchMock = stubApi({
    'GET /me': () => jsonResponse(me(permissions, permissions.includes('saved:approve') ? 'org_admin' : 'member')),
    'GET /tenant/usage': () => jsonResponse(usage()),
    'GET /lists': () => jsonResponse({ items: [list], next_cursor: '' }),
    'GET /saved-contacts': (_, { url }) => {
      queries.push(url.searchParams);
      return jsonResponse({ items: saved, next_cursor: '', total: 2, total_is_capped: false });
    },
    ...extra,
  });
  return { queries, fetchMock };
}

/** The first answer renders the whole page (lazy Mantine parts included): slow on a busy machine. */
const slow = { timeout: 5000 };

describe('SavedRoute', () => {
  it('lets org admins approve the picked contacts', async () => {
    signIn('org_admin');
    const approvals: unknown[] = [];
    stubSaved(adminPermissions, {
      'POST /saved-contacts/approve': async (request) => {
        approvals.push(await request.json());
        return jsonResponse({ count: 2 });
      },
    });
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    await screen.findByText('Ada Lovelace', {}, slow);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all loaded contacts' }));
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));

    expect(await screen.findByText('2 contacts approved for the CRM.')).toBeInTheDocument();
    expect(approvals).toEqual([{ contact_ids: saved.map((c) => c.id) }]);
    // The bar with Approve goes with the selection: keyboard focus stays at the table it acted on.
    expect(screen.queryByTestId('bulk-actions')).not.toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Select all loaded contacts' })).toHaveFocus();
  });

  it('keeps keyboard focus at the table after unsaving the picked contacts', async () => {
    signIn('member');
    stubSaved(memberPermissions, { 'DELETE /saved-contacts': () => jsonResponse({ count: 1 }) });
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    await screen.findByText('Ada Lovelace', {}, slow);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Ada Lovelace' }));
    await userEvent.click(within(screen.getByTestId('bulk-actions')).getByRole('button', { name: 'Unsave' }));
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Unsave contacts' })).getByRole('button', { name: 'Unsave 1 contact' }));

    expect(await screen.findByText('1 contact unsaved.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Unsave contacts' })).not.toBeInTheDocument());
    // Give the dialog's own focus return its turn: it must not leave focus at the top of the page.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByRole('checkbox', { name: 'Select all loaded contacts' })).toHaveFocus();
  });

  it("drops an action's error once the filters show other contacts", async () => {
    signIn('org_admin');
    stubSaved(adminPermissions, {
      'POST /saved-contacts/approve': () =>
        problemResponse({ status: 409, title: 'Conflict', code: 'conflict', detail: 'Ada Lovelace was removed meanwhile.' }),
    });
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    await screen.findByText('Ada Lovelace', {}, slow);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all loaded contacts' }));
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('Ada Lovelace was removed meanwhile.')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('combobox', { name: 'Status' }));
    await userEvent.click(screen.getByRole('option', { name: 'Saved' }));
    await waitFor(() => expect(screen.queryByText('Ada Lovelace was removed meanwhile.')).not.toBeInTheDocument());
  });

  it('hides approve and reject from members, who may still unsave', async () => {
    signIn('member');
    stubSaved(memberPermissions);
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    await screen.findByText('Ada Lovelace', {}, slow);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Ada Lovelace' }));
    const actions = screen.getByTestId('bulk-actions');
    expect(within(actions).getByRole('button', { name: 'Unsave' })).toBeInTheDocument();
    expect(within(actions).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(within(actions).queryByRole('button', { name: 'Reject' })).not.toBeInTheDocument();
  });

  it('filters by list and status, and exports exactly that as CSV with the bearer token', async () => {
    signIn('org_admin');
    const exports: Request[] = [];
    const { queries } = stubSaved(adminPermissions, {
      'GET /saved-contacts/export': (request) => {
        exports.push(request);
        return new Response('id,first_name\n1,Ada\n', {
          headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="saved-contacts-2026-11-28.csv"' },
        });
      },
    });
    const downloads = captureDownloads();
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    await screen.findByText('Ada Lovelace', {}, slow);
    await userEvent.click(within(screen.getByRole('navigation', { name: 'Lists' })).getByRole('button', { name: /^Berlin engineers/ }));
    await userEvent.click(screen.getByRole('combobox', { name: 'Status' }));
    await userEvent.click(screen.getByRole('option', { name: 'Saved' }));
    await waitFor(() => expect(queries.at(-1)?.get('status')).toBe('saved'));
    expect(queries.at(-1)?.get('list_id')).toBe('list-1');
    expect(await screen.findByTestId('saved-total')).toHaveTextContent('2 saved contacts on “Berlin engineers”');

    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(clicks).toEqual(['saved-contacts-2026-11-28.csv']));
    const request = exports[0]!;
    expect(new URL(request.url).searchParams.get('list_id')).toBe('list-1');
    expect(new URL(request.url).searchParams.get('status')).toBe('saved');
    // For Excel: a UTF-8 byte order mark, or every accent comes out mangled.
    expect(new URL(request.url).searchParams.get('bom')).toBe('true');
    expect(request.headers.get('Authorization')).toBe('Bearer token-1');
    expect(await downloads[0]!.text()).toBe('id,first_name\n1,Ada\n');
  });

  it('does not tell a viewer, who may not save, to save contacts from Search', async () => {
    signIn('viewer');
    stubSaved(viewerPermissions, {
      'GET /me': () => jsonResponse(me(viewerPermissions, 'viewer')),
      'GET /lists': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /saved-contacts': () => jsonResponse({ items: [], next_cursor: '', total: 0, total_is_capped: false }),
    });
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    expect(
      await screen.findByText('Nothing saved yet. Members and org admins save contacts from Search; they show here.', {}, slow),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Save contacts from Search/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Export CSV' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New list' })).not.toBeInTheDocument();
  });

  it('says the total is about so many (≈) when the server estimated it', async () => {
    signIn('member');
    stubSaved(memberPermissions, {
      'GET /saved-contacts': () =>
        jsonResponse({ items: saved, next_cursor: 'next', total: 4210, total_is_capped: false, total_is_estimate: true }),
    });
    renderWithProviders(<SavedRoute />, { route: '/saved?country=DE' });
    expect(await screen.findByTestId('saved-total', {}, slow)).toHaveTextContent(/^≈4,210 saved contacts$/);
  });

  it('gives the total as counted when the server counted it', async () => {
    signIn('member');
    stubSaved(memberPermissions, {
      'GET /saved-contacts': () =>
        jsonResponse({ items: saved, next_cursor: 'next', total: 4210, total_is_capped: false, total_is_estimate: false }),
    });
    renderWithProviders(<SavedRoute />, { route: '/saved' });
    expect(await screen.findByTestId('saved-total', {}, slow)).toHaveTextContent(/^4,210 saved contacts$/);
  });

  it('does not offer an empty CSV: Export is off while nothing saved matches', async () => {
    signIn('member');
    stubSaved(memberPermissions, {
      'GET /saved-contacts': () => jsonResponse({ items: [], next_cursor: '', total: 0, total_is_capped: false }),
    });
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    expect(await screen.findByTestId('saved-total', {}, slow)).toHaveTextContent('0 saved contacts');
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
  });

  it('leads from an empty saved view, and from an empty list, to Search', async () => {
    signIn('member');
    stubSaved(memberPermissions, {
      'GET /saved-contacts': () => jsonResponse({ items: [], next_cursor: '', total: 0, total_is_capped: false }),
    });
    const { unmount } = renderWithProviders(<SavedRoute />, { route: '/saved' });
    const empty = await screen.findByText(/^Nothing saved yet\. Save contacts from/, {}, slow);
    expect(empty).toHaveTextContent('Nothing saved yet. Save contacts from Search to review, export or push them.');
    expect(within(empty).getByRole('link', { name: 'Search' })).toHaveAttribute('href', '/search');
    unmount();

    renderWithProviders(<SavedRoute />, { route: '/saved?list=list-1' });
    const emptyList = await screen.findByText(/^This list is empty\./, {}, slow);
    expect(emptyList).toHaveTextContent('This list is empty. Save contacts to it from Search.');
    expect(within(emptyList).getByRole('link', { name: 'Search' })).toHaveAttribute('href', '/search');
  });

  it('does not offer the open list as where "Add to list…" adds: its contacts are on it already', async () => {
    signIn('member');
    const other = { ...list, id: 'list-2', name: 'Munich founders', member_count: 0 };
    const adds: unknown[] = [];
    stubSaved(memberPermissions, {
      'GET /lists': () => jsonResponse({ items: [list, other], next_cursor: '' }),
      'POST /saved-contacts': async (request) => {
        adds.push(await request.json());
        return jsonResponse({ saved: 0, already_saved: 1 });
      },
    });
    renderWithProviders(<SavedRoute />, { route: '/saved?list=list-1' });

    await screen.findByText('Ada Lovelace', {}, slow);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Ada Lovelace' }));
    await userEvent.click(within(screen.getByTestId('bulk-actions')).getByRole('button', { name: 'Add to list…' }));
    let dialog = await screen.findByRole('dialog', { name: 'Save 1 contact' });
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'List' })).toHaveValue('+ New list…'));

    // The list added to last is offered next time, while another list is open.
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'List' }));
    // The name is isolated from its count (FSI … PDI), as a right-to-left one needs.
    await userEvent.click(screen.getByRole('option', { name: '\u2068Munich founders\u2069 (0)' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(adds).toHaveLength(1));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Save 1 contact' })).not.toBeInTheDocument());
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Alan Turing' }));
    await userEvent.click(within(screen.getByTestId('bulk-actions')).getByRole('button', { name: 'Add to list…' }));
    dialog = await screen.findByRole('dialog', { name: 'Save 1 contact' });
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'List' })).toHaveValue('\u2068Munich founders\u2069 (0)'));
  });

  it('deletes a list only after confirmation', async () => {
    signIn('org_admin');
    const deleted: string[] = [];
    stubSaved(adminPermissions, {
      'DELETE /lists/:id': (_, { path }) => {
        deleted.push(path);
        return new Response(null, { status: 204 });
      },
    });
    renderWithProviders(<SavedRoute />, { route: '/saved' });

    await userEvent.click(await screen.findByRole('button', { name: 'Actions for list Berlin engineers' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete list' });
    expect(dialog).toHaveTextContent('Its 2 contacts stay saved');
    // The name sits in a sentence: isolated, so a right-to-left one keeps to its own direction.
    expect(dialog.querySelector('bdi')).toHaveTextContent('Berlin engineers');
    expect(deleted).toEqual([]);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete list' }));
    expect(await screen.findByText('List “\u2068Berlin engineers\u2069” deleted; its contacts stay saved.')).toBeInTheDocument();
    expect(deleted).toEqual(['/lists/list-1']);
  });

  it('shows all saved contacts when the open list does not exist (deleted by a teammate, or of the organization left)', async () => {
    signIn('member');
    const gone = 'list-of-another-organization';
    const { queries } = stubSaved(memberPermissions, {
      'GET /saved-contacts': (_, { url }) => {
        queries.push(url.searchParams);
        if (url.searchParams.get('list_id') === gone) {
          return problemResponse({ status: 404, title: 'Not Found', code: 'not_found', detail: 'The list does not exist.' });
        }
        return jsonResponse({ items: saved, next_cursor: '', total: 2, total_is_capped: false });
      },
    });
    const { router } = renderWithProviders(<SavedRoute />, { route: `/saved?list=${gone}` });

    expect(await screen.findByText('Ada Lovelace', {}, slow)).toBeInTheDocument();
    expect(queries.map((q) => q.get('list_id'))).toEqual([gone, null]);
    expect(screen.getByText(/That list does not exist any more/)).toBeInTheDocument();
    expect(screen.queryByText('The list does not exist.')).not.toBeInTheDocument();
    expect(screen.getByTestId('saved-total')).toHaveTextContent(/^2 saved contacts$/);
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('leaves a deleted list that is open without asking for its contacts again', async () => {
    signIn('org_admin');
    let deleted = false;
    const { queries } = stubSaved(adminPermissions, {
      'DELETE /lists/:id': () => {
        deleted = true;
        return new Response(null, { status: 204 });
      },
      'GET /lists': () => jsonResponse({ items: deleted ? [] : [list], next_cursor: '' }),
      'GET /saved-contacts': (_, { url }) => {
        queries.push(url.searchParams);
        if (deleted && url.searchParams.get('list_id') === list.id) {
          return problemResponse({ status: 404, title: 'Not Found', code: 'not_found', detail: 'List not found.' });
        }
        return jsonResponse({ items: saved, next_cursor: '', total: 2, total_is_capped: false });
      },
    });
    renderWithProviders(<SavedRoute />, { route: `/saved?list=${list.id}` });
    await screen.findByText('Ada Lovelace', {}, slow);
    expect(queries.map((q) => q.get('list_id'))).toEqual([list.id]);

    await userEvent.click(await screen.findByRole('button', { name: 'Actions for list Berlin engineers' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    await userEvent.click(within(await screen.findByRole('dialog', { name: 'Delete list' })).getByRole('button', { name: 'Delete list' }));

    await waitFor(() => expect(queries.map((q) => q.get('list_id'))).toEqual([list.id, null]));
    expect(screen.queryByText('List not found.')).not.toBeInTheDocument();
    expect(screen.getByText('Ada Lovelace')).toBeInTheDocument();
  });
});
