import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { signInWithBilling } from '@/features/billing/testing/fixtures';
import { usage } from '@/features/contacts/testing/fixtures';
import { createQueryClient, refetchOnReturnAfterMs } from '@/lib/react-query';
import { mediaQueryList } from '@/testing/media';
import { grantFor, jsonResponse, problemResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { navItems, unavailableHint } from './navigation';
import { appRoutes } from './routes';

const status = {
  name: '1CloudAI Business Contacts',
  version: 'dev',
  environment: 'test',
  database: 'ok',
  time: '2026-11-28T20:00:00Z',
};

/** Signed out: the refresh cookie check answers 401. */
function stubStatus() {
  return stubApi({ 'GET /status': () => jsonResponse(status) });
}

function me(permissions: string[]) {
  const grant = grantFor();
  return {
    user: grant.user,
    tenant: grant.tenant,
    memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme', role: 'org_admin', status: 'active' }],
    package: { code: 'free', name: 'Free' },
    permissions,
  };
}

describe('app shell', () => {
  it('shows the product name, the overview and the footer on /', async () => {
    stubStatus();
    renderRoutes(appRoutes, { route: '/' });

    expect(screen.getByTestId('product-name')).toHaveTextContent('1CloudAI Business Contacts');
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeInTheDocument();
    expect(await screen.findByTestId('status-database')).toHaveTextContent('ok');
    expect(screen.getByRole('contentinfo')).toBeInTheDocument();
  });

  it('links every feature: none is left as a disabled "not available yet" entry', async () => {
    stubStatus();
    renderRoutes(appRoutes, { route: '/' });

    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Overview' })).toHaveAttribute('href', '/');
    const unshipped = navItems.filter((item) => !item.to).map((item) => item.label);
    expect(unshipped).toEqual([]);
    expect(await within(nav).findByRole('link', { name: 'Imports' })).toHaveAttribute('href', '/imports');
    expect(unavailableHint('Imports')).toBe('Arrives with Imports — not available yet');
  });

  it('shows Team and Billing signed out, and hides the staff and org-admin pages', async () => {
    stubStatus();
    renderRoutes(appRoutes, { route: '/' });

    expect(await screen.findByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Team' })).toHaveAttribute('href', '/team');
    expect(within(nav).getByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/billing');
    expect(within(nav).getByRole('link', { name: 'Search' })).toHaveAttribute('href', '/search');
    expect(within(nav).getByRole('link', { name: 'Saved' })).toHaveAttribute('href', '/saved');
    expect(within(nav).getByRole('link', { name: 'Integrations' })).toHaveAttribute('href', '/integrations');
    expect(within(nav).getByRole('link', { name: 'Imports' })).toHaveAttribute('href', '/imports');
    expect(within(nav).queryByText('Audit log')).not.toBeInTheDocument();
    expect(within(nav).queryByText('API keys')).not.toBeInTheDocument();
    expect(within(nav).queryByText('Admin')).not.toBeInTheDocument();
  });

  it('shows Audit log to org admins and Admin only to platform staff', async () => {
    stubApi({
      'GET /status': () => jsonResponse(status),
      'POST /auth/refresh': () => jsonResponse(grantFor()),
      'GET /me': () => jsonResponse(me(['members:read', 'members:manage', 'usage:read', 'audit:read', 'api_keys:manage'])),
    });
    renderRoutes(appRoutes, { route: '/' });

    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(await within(nav).findByRole('link', { name: 'Audit log' })).toHaveAttribute('href', '/audit');
    expect(within(nav).getByRole('link', { name: 'API keys' })).toHaveAttribute('href', '/api-keys');
    expect(within(nav).queryByText('Admin')).not.toBeInTheDocument();
    expect(await screen.findByTestId('current-tenant')).toHaveTextContent('Acme');
  });

  it('re-reads /me on a 403, so a role an admin changed shows in the badge and the navigation', async () => {
    let role: 'org_admin' | 'viewer' = 'org_admin';
    const meReads: string[] = [];
    stubApi({
      'GET /status': () => jsonResponse(status),
      'POST /auth/refresh': () => jsonResponse(grantFor()),
      'GET /me': () => {
        meReads.push(role);
        const body = me(role === 'viewer' ? ['members:read', 'usage:read'] : ['members:read', 'members:manage', 'usage:read', 'audit:read']);
        return jsonResponse({ ...body, tenant: { ...body.tenant, role } });
      },
      'GET /tenant/audit-events': () => {
        role = 'viewer'; // demoted by an admin after the page loaded
        return problemResponse({ status: 403, title: 'Forbidden', code: 'forbidden', detail: 'Your role (viewer) does not allow this (audit:read).' });
      },
    });
    renderRoutes(appRoutes, { route: '/audit' });

    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    await waitFor(() => expect(screen.getByTestId('current-tenant')).toHaveTextContent('Viewer'));
    expect(within(nav).queryByRole('link', { name: 'Audit log' })).not.toBeInTheDocument();
    expect(meReads).toEqual(['org_admin', 'viewer']);
  });

  it('takes a role changed elsewhere into the badge and the navigation when the user comes back to the tab', async () => {
    let role: 'org_admin' | 'viewer' = 'org_admin';
    stubApi({
      'GET /status': () => jsonResponse(status),
      'POST /auth/refresh': () => jsonResponse(grantFor()),
      'GET /me': () => {
        const body = me(role === 'viewer' ? ['members:read', 'usage:read'] : ['members:read', 'members:manage', 'usage:read', 'audit:read']);
        return jsonResponse({ ...body, tenant: { ...body.tenant, role } });
      },
      'GET /tenant/usage': () => jsonResponse(usage()),
    });
    renderRoutes(appRoutes, { route: '/', queryClient: createQueryClient() });
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(await within(nav).findByRole('link', { name: 'Audit log' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('current-tenant')).toHaveTextContent('Org admin'));

    role = 'viewer'; // an admin demoted this user in their own browser
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + refetchOnReturnAfterMs + 60_000);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));

    await waitFor(() => expect(within(nav).queryByRole('link', { name: 'Audit log' })).not.toBeInTheDocument());
    // The badge follows the /me the page read again, not only a 403's.
    await waitFor(() => expect(screen.getByTestId('current-tenant')).toHaveTextContent('Viewer'));
  });

  it("starts the saved view afresh from the navigation's own link, and follows Back", async () => {
    const list = { id: 'list-1', name: 'Berlin engineers', member_count: 2, created_at: '2026-11-28T10:00:00Z', updated_at: '2026-11-28T10:00:00Z' };
    const listIds: (string | null)[] = [];
    stubApi({
      'GET /status': () => jsonResponse(status),
      'POST /auth/refresh': () => jsonResponse(grantFor()),
      'GET /me': () => jsonResponse(me(['contacts:read', 'saved:read', 'saved:write'])),
      'GET /tenant/usage': () => jsonResponse(usage()),
      'GET /lists': () => jsonResponse({ items: [list], next_cursor: '' }),
      'GET /saved-contacts': (_, { url }) => {
        listIds.push(url.searchParams.get('list_id'));
        return jsonResponse({ items: [], next_cursor: '', total: 0, total_is_capped: false });
      },
    });
    const { router } = renderRoutes(appRoutes, { route: `/saved?list=${list.id}` });

    expect(await screen.findByText(/^This list is empty\. Save contacts to it from/, {}, { timeout: 5000 })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    await userEvent.click(within(nav).getByRole('link', { name: 'Saved' }));

    // The link shows all saved contacts; it used to leave the list open and write it back into the URL.
    expect(await screen.findByText(/^Nothing saved yet/)).toBeInTheDocument();
    expect(router.state.location.search).toBe('');
    expect(listIds.at(-1)).toBeNull();

    await act(() => router.navigate(-1));
    expect(await screen.findByText(/^This list is empty\. Save contacts to it from/)).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?list=${list.id}`);
  });

  it('gives each admin console page an h1 of its own, which the tabs move between', async () => {
    const grant = grantFor({ system_role: 'system_admin' }, null);
    const empty = () => jsonResponse({ items: [], next_cursor: '' });
    stubApi({
      'POST /auth/refresh': () => jsonResponse(grant),
      'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions: ['platform:read', 'platform:write'] }),
      'GET /admin/tenants': empty,
      'GET /admin/users': empty,
      'GET /admin/packages': () => jsonResponse({ items: [] }),
      'GET /admin/corrections': empty,
      'GET /admin/imports': empty,
      'GET /admin/audit-events': empty,
      'GET /admin/outbox': () => jsonResponse({ items: [] }),
    });
    renderRoutes(appRoutes, { route: '/admin' });

    const pages = [
      ['Tenants', 'Tenants'],
      ['Users', 'Users'],
      ['Packages', 'Packages'],
      ['Corrections', 'Corrections'],
      ['Imports', 'Platform imports'],
      ['Audit log', 'Audit log'],
      ['Outbox', 'Outbox'],
    ];
    for (const [tab, heading] of pages) {
      await userEvent.click(await screen.findByRole('tab', { name: tab }));
      expect(await screen.findByRole('heading', { level: 1, name: heading })).toBeInTheDocument();
      // One h1 a page: the console's name above the tabs is not a heading, so route focus and the
      // announced title name the page.
      expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
      await waitFor(() => expect(document.title.startsWith(`${heading} · Admin`)).toBe(true));
    }
    expect(screen.getByRole('tablist', { name: 'Admin console' })).toBeInTheDocument();
  });

  it('mounts platform imports in the admin console, with its new-import page for system admins', async () => {
    const grant = grantFor({ system_role: 'system_admin' }, null);
    stubApi({
      'POST /auth/refresh': () => jsonResponse(grant),
      'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions: ['platform:read', 'platform:write'] }),
      'GET /admin/imports': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    const { router } = renderRoutes(appRoutes, { route: '/admin/imports' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Platform imports' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Imports' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByTestId('imports-empty')).toBeInTheDocument();
    await userEvent.click(await screen.findByRole('link', { name: 'New import' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'New platform import' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/imports/new');
    expect(screen.getByRole('tab', { name: 'Imports' })).toHaveAttribute('aria-selected', 'true');
  });

  it('takes the old /plans address to the Packages page', async () => {
    signInWithBilling();
    const { router } = renderRoutes(appRoutes, { route: '/plans' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Packages' }, { timeout: 5000 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/packages');
  });

  it('keeps support staff out of the new platform import page', async () => {
    const grant = grantFor({ system_role: 'support' }, null);
    stubApi({
      'POST /auth/refresh': () => jsonResponse(grant),
      'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions: ['platform:read'] }),
    });
    renderRoutes(appRoutes, { route: '/admin/imports/new' });

    expect(await screen.findByTestId('forbidden')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'New platform import' })).not.toBeInTheDocument();
  });

  it.each(['/admin/outbox', '/admin/imports/new'])(
    'tells support staff that %s is for system admins, without asking the server',
    async (route) => {
      const grant = grantFor({ system_role: 'support' }, null);
      const fetchMock = stubApi({
        'POST /auth/refresh': () => jsonResponse(grant),
        'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions: ['platform:read'] }),
        'GET /admin/outbox': () =>
          problemResponse({ status: 403, title: 'Forbidden', code: 'forbidden', detail: 'Your role (support) does not allow this (platform:write).' }),
      });
      renderRoutes(appRoutes, { route });

      const forbidden = await screen.findByTestId('forbidden');
      expect(forbidden).toHaveTextContent('This page is not available for your role');
      expect(forbidden).toHaveTextContent('system admins');
      // Not the organization wording: platform staff have no organization role to ask about.
      expect(forbidden).not.toHaveTextContent('organization');
      expect(screen.queryByText(/does not allow this/)).not.toBeInTheDocument();
      expect(fetchMock.mock.calls.map(([r]) => new URL(r.url).pathname)).not.toContain('/api/v1/admin/outbox');
      // The console around it stays, read-only.
      expect(screen.getByTestId('admin-read-only')).toBeInTheDocument();
    },
  );

  it('sends a signed-out visitor of a signed-in page to the login page with the way back', async () => {
    stubStatus();
    const { router } = renderRoutes(appRoutes, { route: '/team' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fteam');
  });

  it('offers to try again, not the login page, when the server cannot be reached at page load', async () => {
    let down = true;
    stubApi({
      'POST /auth/refresh': () => (down ? Promise.reject(new TypeError('fetch failed')) : jsonResponse(grantFor())),
      'GET /me': () => jsonResponse(me(['members:read', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [] }),
      'GET /tenant/invitations': () => jsonResponse({ items: [] }),
    });
    const { router } = renderRoutes(appRoutes, { route: '/team' });

    const alert = await screen.findByTestId('session-unreachable');
    expect(alert).toHaveTextContent('Cannot reach the server');
    expect(router.state.location.pathname).toBe('/team');
    expect(screen.queryByRole('heading', { level: 1, name: 'Sign in' })).not.toBeInTheDocument();

    down = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(screen.queryByTestId('session-unreachable')).not.toBeInTheDocument());
    expect(await screen.findByTestId('current-tenant')).toHaveTextContent('Acme');
    expect(router.state.location.pathname).toBe('/team');
  });

  it('keeps the page, not the login page, when a refresh mid-session fails on the server', async () => {
    let refreshes = 0;
    stubApi({
      'POST /auth/refresh': () => {
        refreshes += 1;
        // The page load's refresh works; the one after the access token expired hits a server error.
        return refreshes === 1
          ? jsonResponse(grantFor())
          : problemResponse({ status: 500, title: 'Internal Server Error', code: 'internal', request_id: 'req-1' });
      },
      'GET /me': (request) =>
        refreshes === 1 && request.headers.get('Authorization') === 'Bearer token-1'
          ? jsonResponse(me(['members:read', 'usage:read', 'audit:read']))
          : problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' }),
      'GET /tenant/audit-events': () => problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' }),
    });
    const { router } = renderRoutes(appRoutes, { route: '/audit' });

    expect(await screen.findByRole('alert')).toHaveTextContent('still signed in');
    expect(refreshes).toBe(2);
    expect(router.state.location.pathname).toBe('/audit');
    expect(screen.getByTestId('current-tenant')).toHaveTextContent('Acme');
  });

  it('keeps the page and what was typed when the session ends mid-work, and signs in again over it', async () => {
    let refreshes = 0;
    let signedInAgain = false;
    const invitations: string[] = [];
    stubApi({
      'POST /auth/refresh': () => {
        refreshes += 1;
        // The page load's refresh works; the one after the access token expired is refused: the session is over.
        return refreshes === 1 ? jsonResponse(grantFor()) : problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' });
      },
      'POST /auth/login': () => {
        signedInAgain = true;
        return jsonResponse(grantFor({}, undefined, 'token-2'));
      },
      'GET /me': () => jsonResponse(me(['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
      'POST /tenant/invitations': async (request) => {
        if (!signedInAgain) return problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' });
        expect(request.headers.get('Authorization')).toBe('Bearer token-2');
        const body = (await request.json()) as { email: string; role: string };
        invitations.push(body.email);
        return jsonResponse(
          {
            id: 'inv-1',
            email: body.email,
            role: body.role,
            status: 'pending',
            created_at: '2026-11-28T20:00:00Z',
            expires_at: '2026-12-05T20:00:00Z',
            accepted_at: null,
            accept_url: 'http://localhost/invitations/accept#token=t',
          },
          { status: 201 },
        );
      },
    });
    const { router } = renderRoutes(appRoutes, { route: '/team' });

    const email = await screen.findByRole('textbox', { name: 'Email' });
    await userEvent.type(email, 'new.hire@acme.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));

    // The session is over, but the page and the typed email stay; sign-in comes to the page.
    const dialog = await screen.findByRole('dialog', { name: 'Your session has ended' });
    expect(router.state.location.pathname).toBe('/team');
    expect(screen.getByDisplayValue('new.hire@acme.test')).toBeInTheDocument();
    expect(refreshes).toBe(2);

    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Email' }), 'admin@acme.test');
    await userEvent.type(within(dialog).getByLabelText(/^Password/), 'correct horse battery');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(router.state.location.pathname).toBe('/team');
    expect(screen.getByDisplayValue('new.hire@acme.test')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect(await screen.findByText(/Invitation created for new.hire@acme.test/)).toBeInTheDocument();
    expect(invitations).toEqual(['new.hire@acme.test']);
  });

  it('starts the page afresh when someone else signs in over a page whose session ended', async () => {
    let refreshes = 0;
    stubApi({
      'POST /auth/refresh': () => {
        refreshes += 1;
        return refreshes === 1 ? jsonResponse(grantFor()) : problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' });
      },
      'POST /auth/login': () =>
        jsonResponse(grantFor({ id: 'user-2', email: 'other@beta.test' }, { id: 'tenant-2', name: 'Beta', role: 'org_admin' }, 'token-2')),
      'GET /me': () => jsonResponse(me(['members:read', 'members:manage', 'usage:read'])),
      'GET /tenant/members': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/invitations': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(usage),
      'POST /tenant/invitations': () => problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' }),
    });
    renderRoutes(appRoutes, { route: '/team' });

    await userEvent.type(await screen.findByRole('textbox', { name: 'Email' }), 'new.hire@acme.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    const dialog = await screen.findByRole('dialog', { name: 'Your session has ended' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Email' }), 'other@beta.test');
    await userEvent.type(within(dialog).getByLabelText(/^Password/), 'correct horse battery');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    // Acme's draft is not offered to Beta's admin: the page starts again.
    expect(await screen.findByRole('textbox', { name: 'Email' })).toHaveValue('');
    expect(screen.queryByDisplayValue('new.hire@acme.test')).not.toBeInTheDocument();
  });

  it('tells a user without the permission that the page is not theirs', async () => {
    stubApi({
      'POST /auth/refresh': () => jsonResponse(grantFor()),
      'GET /me': () => jsonResponse(me(['members:read', 'usage:read'])),
    });
    renderRoutes(appRoutes, { route: '/audit' });

    expect(await screen.findByTestId('forbidden')).toHaveTextContent('You do not have access to this page');
    expect(document.title).toBe('No access · 1CloudAI Business Contacts');
    // The page has a heading of its own, as every other page does (screen readers jump to it).
    expect(screen.getByRole('heading', { level: 1, name: 'No access' })).toBeInTheDocument();
  });

  it('tells a system admin, who belongs to no organization, where tenant data is instead of "ask an organization admin"', async () => {
    const grant = grantFor({ system_role: 'system_admin' }, null);
    stubApi({
      'POST /auth/refresh': () => jsonResponse(grant),
      'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions: ['platform:read', 'platform:write'] }),
    });
    renderRoutes(appRoutes, { route: '/search' });

    const forbidden = await screen.findByTestId('forbidden');
    expect(screen.getByRole('heading', { level: 1, name: 'No access' })).toBeInTheDocument();
    expect(forbidden).toHaveTextContent('You are not a member of an organization');
    expect(forbidden).not.toHaveTextContent('Your role in this organization');
    expect(within(forbidden).getByRole('link', { name: 'Open the admin console' })).toHaveAttribute('href', '/admin');
  });

  it('tells a user removed from every organization that the page needs one', async () => {
    const grant = grantFor({}, null);
    stubApi({
      'POST /auth/refresh': () => jsonResponse(grant),
      'GET /me': () => jsonResponse({ user: grant.user, memberships: [], permissions: [] }),
    });
    renderRoutes(appRoutes, { route: '/team' });

    const forbidden = await screen.findByTestId('forbidden');
    expect(forbidden).toHaveTextContent('You are not a member of an organization');
    expect(forbidden).toHaveTextContent('invitation');
    expect(within(forbidden).queryByRole('link', { name: 'Open the admin console' })).not.toBeInTheDocument();
  });

  it('on a phone, keeps the closed navigation out of the Tab order, and Escape closes the open one', async () => {
    // The layout's phone query matches (jsdom answers "no match" to every other one).
    vi.spyOn(window, 'matchMedia').mockImplementation((query: string) =>
      mediaQueryList(query, query === '(max-width: 47.99em)'),
    );
    stubStatus();
    renderRoutes(appRoutes, { route: '/' });
    await screen.findByRole('heading', { level: 1, name: 'Overview' });

    const nav = screen.getByRole('navigation', { name: 'Main navigation', hidden: true });
    const burger = screen.getByRole('button', { name: 'Open navigation' });
    // Closed, the navigation is only moved off screen: its links must not take focus.
    expect(nav).toHaveAttribute('inert');
    expect(burger).toHaveAttribute('aria-expanded', 'false');
    expect(burger).toHaveAttribute('aria-controls', nav.id);

    await userEvent.click(burger);
    expect(nav).not.toHaveAttribute('inert');
    expect(screen.getByRole('button', { name: 'Close navigation' })).toHaveAttribute('aria-expanded', 'true');

    // The header has no room for the API docs link on a phone: the navigation has it.
    expect(within(nav).getByRole('link', { name: 'API docs' })).toHaveAttribute('href', '/docs');
    expect(within(screen.getByRole('banner')).queryByRole('link', { name: 'API docs' })).not.toBeInTheDocument();

    within(nav).getByRole('link', { name: 'Overview' }).focus();
    await userEvent.keyboard('{Escape}');
    expect(nav).toHaveAttribute('inert');
    const closed = screen.getByRole('button', { name: 'Open navigation' });
    expect(closed).toHaveAttribute('aria-expanded', 'false');
    expect(closed).toHaveFocus();
    vi.restoreAllMocks();
  });

  it('shows the SPA 404 for an unknown client route, with a way home', async () => {
    stubStatus();
    renderRoutes(appRoutes, { route: '/no/such/page' });

    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/no/such/page')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the overview' })).toHaveAttribute('href', '/');
    expect(screen.getByRole('contentinfo')).toBeInTheDocument();
  });

  it('serves the terms and privacy pages without signing in', async () => {
    stubStatus();
    const { router } = renderRoutes(appRoutes, { route: '/terms' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Terms of Service' })).toBeInTheDocument();

    await userEvent.click(within(screen.getByRole('contentinfo')).getByRole('link', { name: 'Privacy' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Privacy Policy' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/privacy');
  });
});
