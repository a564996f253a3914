import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth, useSession } from '@/lib/auth/session';
import { createQueryClient, refetchOnReturnAfterMs } from '@/lib/react-query';
import { mediaQueryList } from '@/testing/media';
import { grantFor, jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { TeamRoute } from './team';

const admin = { user_id: 'user-1', email: 'admin@acme.test', name: 'Ada Admin', role: 'org_admin', joined_at: '2026-11-01T10:00:00Z', last_login_at: '2026-11-28T09:00:00Z' };
const member = { user_id: 'user-2', email: 'max@acme.test', name: 'Max Member', role: 'member', joined_at: '2026-11-02T10:00:00Z', last_login_at: null };

const usage = {
  package: { code: 'free', name: 'Free', max_users: 3 },
  downgraded: false,
  seats: { limit: 3, members: 2, pending_invitations: 1, remaining: 0 },
  quotas: [],
};

function me(role: 'org_admin' | 'member' | 'viewer', permissions: string[]) {
  return {
    user: grantFor().user,
    tenant: { id: 'tenant-1', name: 'Acme', role, status: 'active' },
    memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme', role, status: 'active' }],
    permissions,
  };
}

/** The role the session holds for the tenant: what the header's organization badge shows. */
function SessionRole() {
  const session = useSession();
  return <span data-testid="session-role">{session.status === 'signed-in' ? session.tenant?.role : ''}</span>;
}

function signIn(role: 'org_admin' | 'viewer') {
  installAuth();
  applyGrant(grantFor({}, { id: 'tenant-1', name: 'Acme', role }));
}

describe('TeamRoute', () => {
  it('lets an org admin change a member role', async () => {
    signIn('org_admin');
    const patches: unknown[] = [];
    const fetchMock = stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, member], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
      'PATCH /tenant/members/:id': async (request) => {
        const body = (await request.json()) as { role: string };
        patches.push({ path: new URL(request.url).pathname, body });
        return jsonResponse({ ...member, role: body.role });
      },
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    const role = await screen.findByRole('combobox', { name: 'Role of max@acme.test' });
    expect(role).toHaveValue('Member');
    await userEvent.click(role);
    await userEvent.click(await screen.findByRole('option', { name: 'Viewer' }));

    await vi.waitFor(() => expect(role).toHaveValue('Viewer'));
    expect(patches).toEqual([{ path: '/api/v1/tenant/members/user-2', body: { role: 'viewer' } }]);
    const patch = fetchMock.mock.calls.map(([r]) => r).find((r) => r.method === 'PATCH')!;
    expect(patch.headers.get('Authorization')).toBe('Bearer token-1');
    expect(await screen.findByText('max@acme.test is now Viewer.')).toBeInTheDocument();
    // All seats are used: the admin is told why inviting will not work.
    expect(screen.getByTestId('seat-limit-reached')).toHaveTextContent('allows 3 users');
    // …and where the larger packages are.
    expect(within(screen.getByTestId('seat-limit-reached')).getByRole('link', { name: 'Compare packages' })).toHaveAttribute(
      'href',
      '/billing',
    );
  });

  it('asks before an org admin takes away their own admin rights', async () => {
    signIn('org_admin');
    const otherAdmin = { ...member, user_id: 'user-3', email: 'ida@acme.test', name: 'Ida Admin', role: 'org_admin' };
    const patches: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, otherAdmin], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
      'PATCH /tenant/members/:id': async (request) => {
        patches.push(await request.json());
        return jsonResponse({ ...admin, role: 'viewer' });
      },
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    const role = await screen.findByRole('combobox', { name: 'Role of admin@acme.test' });
    await userEvent.click(role);
    await userEvent.click(await screen.findByRole('option', { name: 'Viewer' }));

    // Nothing changes until the admin confirms, and the dialog says what they lose.
    const dialog = await screen.findByRole('dialog', { name: 'Change your own role' });
    expect(dialog).toHaveTextContent('This is you: you will lose your admin rights');
    expect(dialog).toHaveTextContent('Viewer');
    expect(patches).toEqual([]);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(role).toHaveValue('Org admin');
    expect(patches).toEqual([]);

    // Changing another admin's role needs no confirmation.
    await userEvent.click(screen.getByRole('combobox', { name: 'Role of ida@acme.test' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Member' }));
    await vi.waitFor(() => expect(patches).toEqual([{ role: 'member' }]));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows the new role in the header at once when an org admin demotes themselves', async () => {
    signIn('org_admin');
    const otherAdmin = { ...member, user_id: 'user-3', email: 'ida@acme.test', name: 'Ida Admin', role: 'org_admin' };
    let role: 'org_admin' | 'member' = 'org_admin';
    stubApi({
      'GET /me': () =>
        jsonResponse(me(role, role === 'org_admin' ? ['members:read', 'members:manage', 'usage:read'] : ['members:read', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, otherAdmin], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
      'PATCH /tenant/members/:id': async (request) => {
        role = ((await request.json()) as { role: 'member' }).role;
        return jsonResponse({ ...admin, role });
      },
    });
    renderWithProviders(
      <>
        <SessionRole />
        <TeamRoute />
      </>,
      { route: '/team' },
    );
    expect(screen.getByTestId('session-role')).toHaveTextContent('org_admin');

    await userEvent.click(await screen.findByRole('combobox', { name: 'Role of admin@acme.test' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Member' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Change my role' }));

    // The page turns read-only (GET /me), and the header says the same.
    expect(await screen.findByTestId('team-read-only')).toBeInTheDocument();
    await vi.waitFor(() => expect(screen.getByTestId('session-role')).toHaveTextContent('member'));
  });

  it('does not offer the only org admin a role change or removal, and says why', async () => {
    signIn('org_admin');
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, member], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    const ownRole = await screen.findByRole('combobox', { name: 'Role of admin@acme.test' });
    const ownRemove = screen.getByRole('button', { name: 'Remove admin@acme.test' });
    expect(ownRole).toBeDisabled();
    expect(ownRemove).toBeDisabled();
    const hint = screen.getByTestId('sole-admin-hint');
    expect(hint).toHaveTextContent('You are the only org admin: make someone else an org admin before changing your role or removing yourself.');
    expect(ownRemove).toHaveAccessibleDescription(hint.textContent);
    // The other member stays manageable.
    expect(screen.getByRole('combobox', { name: 'Role of max@acme.test' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Remove max@acme.test' })).toBeEnabled();
  });

  it('on a phone, gives each member and invitation a card with its actions on it, no table', async () => {
    // Below Mantine's `sm` (375 px): the 720px table put Role and Remove past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    signIn('org_admin');
    const patches: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, member], next_cursor: '' }),
      'GET /tenant/invitations': () =>
        jsonResponse({
          items: [{ id: 'inv-1', email: 'ivy@acme.test', role: 'viewer', status: 'pending', created_at: '2026-11-28T10:00:00Z', expires_at: '2026-12-05T10:00:00Z' }],
          next_cursor: '',
        }),
      'GET /tenant/usage': () => jsonResponse(usage),
      'PATCH /tenant/members/:id': async (request) => {
        const body = (await request.json()) as { role: string };
        patches.push(body);
        return jsonResponse({ ...member, role: body.role });
      },
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    const card = await screen.findByRole('article', { name: 'max@acme.test' });
    expect(screen.queryByTestId('members-table')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('member-row').map((row) => row.dataset.email)).toEqual(['admin@acme.test', 'max@acme.test']);
    const value = (label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;
    expect(within(card).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual([
      'Name',
      'Role',
      'Joined',
      'Last sign-in',
    ]);
    expect(value('Name')).toHaveTextContent('Max Member');
    expect(value('Joined')).toHaveTextContent('Nov 2, 2026');
    expect(value('Last sign-in')).toHaveTextContent('Never');
    expect(within(card).getByRole('button', { name: 'Remove max@acme.test' })).toBeEnabled();

    const role = within(card).getByRole('combobox', { name: 'Role of max@acme.test' });
    await userEvent.click(role);
    await userEvent.click(await screen.findByRole('option', { name: 'Viewer' }));
    await vi.waitFor(() => expect(patches).toEqual([{ role: 'viewer' }]));

    // The only org admin's card keeps both disabled, with the reason.
    const own = screen.getByRole('article', { name: 'admin@acme.test' });
    expect(within(own).getByText('You')).toBeInTheDocument();
    expect(within(own).getByRole('combobox', { name: 'Role of admin@acme.test' })).toBeDisabled();
    expect(within(own).getByRole('button', { name: 'Remove admin@acme.test' })).toHaveAccessibleDescription(
      screen.getByTestId('sole-admin-hint').textContent,
    );

    const invitation = screen.getByRole('article', { name: 'Invitation for ivy@acme.test' });
    expect(screen.queryByTestId('invitations-table')).not.toBeInTheDocument();
    expect(within(invitation).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual(['Role', 'Status', 'Sent', 'Expires']);
    expect(within(invitation).getByText('Status', { selector: 'dt' }).nextElementSibling).toHaveTextContent('Pending');
    expect(within(invitation).getByText('Expires', { selector: 'dt' }).nextElementSibling).toHaveTextContent('Dec 5, 2026');
    expect(within(invitation).getByRole('button', { name: 'Revoke the invitation for ivy@acme.test' })).toBeEnabled();
  });

  it('shows the server refusal when the last org admin would be demoted', async () => {
    signIn('org_admin');
    // The list is stale: it still shows a second admin whom another admin has since demoted.
    const otherAdmin = { ...member, user_id: 'user-3', email: 'ida@acme.test', name: 'Ida Admin', role: 'org_admin' };
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, otherAdmin], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
      'PATCH /tenant/members/:id': () =>
        problemResponse({ status: 409, title: 'Conflict', type: 'last-org-admin', code: 'conflict', detail: 'An organization needs at least one org admin.' }),
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    const role = await screen.findByRole('combobox', { name: 'Role of admin@acme.test' });
    await userEvent.click(role);
    await userEvent.click(await screen.findByRole('option', { name: 'Member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Change your own role' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change my role' }));

    expect(await within(dialog).findByText('An organization needs at least one org admin.')).toBeInTheDocument();
    expect(role).toHaveValue('Org admin');
  });

  it('gives viewers a read-only list without invitations', async () => {
    signIn('viewer');
    const fetchMock = stubApi({
      'GET /me': () => jsonResponse(me('viewer', ['members:read', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, member], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    expect(await screen.findByTestId('team-read-only')).toBeInTheDocument();
    const rows = await screen.findAllByTestId('member-row');
    expect(within(rows[1]!).getByTestId('member-role')).toHaveTextContent('Member');
    expect(screen.queryByRole('combobox', { name: /Role of/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Send invitation' })).not.toBeInTheDocument();
    const paths = fetchMock.mock.calls.map(([r]) => new URL(r.url).pathname);
    expect(paths).not.toContain('/api/v1/tenant/invitations');
  });

  it('wraps a long member or invited address anywhere instead of widening the table', async () => {
    signIn('org_admin');
    const long = 'firstname.middlename.lastname.department.region@subsidiary.example-holdings.com';
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin, { ...member, email: long }], next_cursor: '' }),
      'GET /tenant/invitations': () =>
        jsonResponse({
          items: [{ id: 'inv-1', email: `invited.${long}`, role: 'member', status: 'pending', created_at: '2026-11-28T10:00:00Z', expires_at: '2026-12-05T10:00:00Z' }],
          next_cursor: '',
        }),
      'GET /tenant/usage': () => jsonResponse(usage),
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    const rows = await screen.findAllByTestId('member-row');
    const email = within(rows[1]!).getByTestId('member-email');
    expect(email).toHaveTextContent(long);
    expect(email).toHaveStyle({ overflowWrap: 'anywhere' });
    const invited = await screen.findByTestId('invitation-email');
    expect(invited).toHaveTextContent(`invited.${long}`);
    expect(invited).toHaveStyle({ overflowWrap: 'anywhere' });
  });

  it('shows the accept link of a new invitation once, with a note that it was mailed', async () => {
    signIn('org_admin');
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse({ ...usage, seats: { limit: 3, members: 1, pending_invitations: 0, remaining: 2 } }),
      'POST /tenant/invitations': async (request) => {
        const body = (await request.json()) as { email: string; role: string };
        return jsonResponse(
          {
            id: 'inv-1',
            email: body.email,
            role: body.role,
            status: 'pending',
            created_at: '2026-11-28T10:00:00Z',
            expires_at: '2026-12-05T10:00:00Z',
            accepted_at: null,
            accept_url: 'http://app.test/invitations/accept#token=secret-token',
          },
          { status: 201 },
        );
      },
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    await userEvent.type(await screen.findByRole('textbox', { name: 'Email' }), 'new@acme.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));

    expect(await screen.findByRole('textbox', { name: 'Invitation link' })).toHaveValue(
      'http://app.test/invitations/accept#token=secret-token',
    );
    expect(screen.getByTestId('invitation-created')).toHaveTextContent('We also emailed this link to new@acme.test');
    expect(screen.getByRole('button', { name: 'Copy invitation link' })).toBeInTheDocument();
  });

  it('takes the accept link away once its invitation is revoked', async () => {
    signIn('org_admin');
    const invitation = {
      id: 'inv-1',
      email: 'new@acme.test',
      role: 'member',
      status: 'pending',
      created_at: '2026-11-28T10:00:00Z',
      expires_at: '2026-12-05T10:00:00Z',
      accepted_at: null,
    };
    let invitations: (typeof invitation)[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: invitations, next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse({ ...usage, seats: { limit: 3, members: 1, pending_invitations: 0, remaining: 2 } }),
      'POST /tenant/invitations': () => {
        invitations = [invitation];
        return jsonResponse(
          { ...invitation, accept_url: 'http://app.test/invitations/accept#token=secret-token' },
          { status: 201 },
        );
      },
      'DELETE /tenant/invitations/inv-1': () => {
        invitations = [{ ...invitation, status: 'revoked' }];
        return new Response(null, { status: 204 });
      },
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    await userEvent.type(await screen.findByRole('textbox', { name: 'Email' }), 'new@acme.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect(await screen.findByRole('textbox', { name: 'Invitation link' })).toBeInTheDocument();

    await userEvent.click(await screen.findByRole('button', { name: 'Revoke the invitation for new@acme.test' }));

    // The link no longer works: it is not offered for copying, "works for 7 days", any more.
    expect(await within(screen.getByTestId('invitations-table')).findByText('Revoked')).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Invitation link' })).not.toBeInTheDocument();
    expect(screen.queryByTestId('invitation-created')).not.toBeInTheDocument();
  });

  it('shows where the larger packages are when an invitation finds no seat left', async () => {
    signIn('org_admin');
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read', 'billing:manage'])),
      'GET /tenant/members': () => jsonResponse({ items: [admin], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      // The page read a free seat; someone took it before the invitation was sent.
      'GET /tenant/usage': () => jsonResponse({ ...usage, seats: { limit: 3, members: 2, pending_invitations: 0, remaining: 1 } }),
      'POST /tenant/invitations': () =>
        problemResponse({
          status: 409,
          type: 'seat-limit-reached',
          code: 'conflict',
          title: 'Conflict',
          detail: 'The Free package allows 3 users; 3 members and 0 pending invitations use them all.',
        }),
    });
    renderWithProviders(<TeamRoute />, { route: '/team' });

    await userEvent.type(await screen.findByRole('textbox', { name: 'Email' }), 'new@acme.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));

    const alert = await screen.findByTestId('seat-limit-error');
    expect(alert).toHaveTextContent('The Free package allows 3 users');
    expect(await within(alert).findByRole('link', { name: 'Compare packages' })).toHaveAttribute('href', '/billing');
  });

  it('shows an invitation accepted elsewhere once the admin comes back to the tab', async () => {
    signIn('org_admin');
    const pending = {
      id: 'inv-1',
      email: member.email,
      role: 'member',
      status: 'pending',
      created_at: '2026-11-28T10:00:00Z',
      expires_at: '2026-12-05T10:00:00Z',
      accepted_at: null as string | null,
    };
    let accepted = false;
    stubApi({
      'GET /me': () => jsonResponse(me('org_admin', ['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: accepted ? [admin, member] : [admin], next_cursor: '' }),
      'GET /tenant/invitations': () =>
        jsonResponse({
          items: [accepted ? { ...pending, status: 'accepted', accepted_at: '2026-11-30T10:00:00Z' } : pending],
          next_cursor: '',
        }),
      'GET /tenant/usage': () => jsonResponse({ ...usage, seats: { limit: 3, members: accepted ? 2 : 1, pending_invitations: accepted ? 0 : 1, remaining: 1 } }),
    });
    // The app's own query client (its refetch-on-return default), not the fail-fast test one.
    renderWithProviders(<TeamRoute />, { route: '/team', queryClient: createQueryClient() });
    expect(await screen.findByTestId('invitation-status')).toHaveTextContent('Pending');
    expect(screen.getAllByTestId('member-row')).toHaveLength(1);

    // The invitee accepts in their own browser while the admin is in another tab.
    accepted = true;
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + refetchOnReturnAfterMs + 60_000);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));

    await vi.waitFor(() => expect(screen.getAllByTestId('member-row')).toHaveLength(2));
    expect(screen.getByTestId('invitation-status')).toHaveTextContent('Accepted');
  });
});
