import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { appRoutes } from '@/app/routes';
import { grantFor, jsonResponse, problemResponse, renderRoutes, stubApi } from '@/testing/test-utils';

type Grant = ReturnType<typeof grantFor>;

/** The app's start for grant's user: the server's status and a refresh that signs them in. */
function signedInAs(grant: Grant) {
  return {
    'GET /status': () =>
      jsonResponse({ name: '1CloudAI Business Contacts', version: 'dev', environment: 'test', database: 'ok', time: '2026-11-28T20:00:00Z' }),
    'POST /auth/refresh': () => jsonResponse(grant),
  };
}

/** GET /me for user, an org admin of grant's tenant on Free. */
function meOf(user: Grant['user'], grant: Grant) {
  return {
    user,
    tenant: grant.tenant,
    memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme', role: 'org_admin', status: 'active' }],
    package: { code: 'free', name: 'Free' },
    permissions: [],
  };
}

describe('UserMenu', () => {
  it('returns focus to the account menu button when the password dialog closes', async () => {
    const grant = grantFor({ email: 'ada@example.com', name: 'Ada Admin' });
    stubApi({
      ...signedInAs(grant),
      'GET /me': () => jsonResponse(meOf(grant.user, grant)),
    });
    renderRoutes(appRoutes, { route: '/' });

    const menuButton = await screen.findByRole('button', { name: 'AD: account menu' });
    await userEvent.click(menuButton);
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Change password' }));
    const dialog = await screen.findByRole('dialog', { name: 'Change password' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await vi.waitFor(() => expect(menuButton).toHaveFocus());
  });

  it('lets the user correct their own name: the server refusal shows next to the field, the menu shows the saved name', async () => {
    const grant = grantFor({ email: 'ada@example.com', name: 'Ada Admn' });
    const bodies: unknown[] = [];
    let user = grant.user;
    stubApi({
      ...signedInAs(grant),
      'GET /me': () => jsonResponse(meOf(user, grant)),
      'PATCH /me': async (request) => {
        const body = (await request.json()) as { name: string };
        bodies.push(body);
        if (body.name.includes('\u0007')) {
          return problemResponse({
            status: 422,
            title: 'Unprocessable Entity',
            type: 'validation',
            code: 'invalid',
            detail: 'The name is invalid.',
            errors: [{ field: 'name', message: 'must not contain control characters' }],
          });
        }
        user = { ...user, name: body.name };
        return jsonResponse(user);
      },
    });
    renderRoutes(appRoutes, { route: '/' });

    const menuButton = await screen.findByRole('button', { name: 'AD: account menu' });
    await userEvent.click(menuButton);
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Edit your name' }));
    const dialog = await screen.findByRole('dialog', { name: 'Your name' });
    const input = within(dialog).getByRole('textbox', { name: 'Name' });
    expect(input).toHaveValue('Ada Admn');

    await userEvent.clear(input);
    await userEvent.type(input, 'Ada\u0007');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('must not contain control characters')).toBeInTheDocument();

    await userEvent.clear(input);
    await userEvent.type(input, '  Ada Admin  ');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(bodies.at(-1)).toEqual({ name: 'Ada Admin' });
    await vi.waitFor(() => expect(menuButton).toHaveFocus());

    await userEvent.click(menuButton);
    const menu = await screen.findByRole('menu');
    expect(within(menu).getByText('Ada Admin')).toBeInTheDocument();
    expect(within(menu).queryByText('Ada Admn')).not.toBeInTheDocument();
  });

  it('says when the password was last changed, and after a change says so from the server', async () => {
    const grant = grantFor({ email: 'ada@example.com', name: 'Ada Admin' });
    let user = { ...grant.user, password_changed_at: '2026-11-01T12:00:00Z' };
    const bodies: unknown[] = [];
    stubApi({
      ...signedInAs(grant),
      'GET /me': () => jsonResponse(meOf(user, grant)),
      'POST /me/password': async (request) => {
        bodies.push(await request.json());
        user = { ...user, password_changed_at: '2026-12-02T12:00:00Z' };
        return new Response(null, { status: 204 });
      },
    });
    renderRoutes(appRoutes, { route: '/' });

    const menuButton = await screen.findByRole('button', { name: 'AD: account menu' });
    await userEvent.click(menuButton);
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Change password' }));
    let dialog = await screen.findByRole('dialog', { name: 'Change password' });
    expect(await within(dialog).findByTestId('password-changed-at')).toHaveTextContent(/^Last changed Nov 1, 2026/);

    await userEvent.type(within(dialog).getByLabelText('Current password', { exact: false }), 'the-old-password-1');
    await userEvent.type(within(dialog).getByLabelText('New password', { exact: false }), 'a-brand-new-password-2');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change password' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(bodies).toEqual([{ current_password: 'the-old-password-1', new_password: 'a-brand-new-password-2' }]);

    await userEvent.click(menuButton);
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Change password' }));
    dialog = await screen.findByRole('dialog', { name: 'Change password' });
    await vi.waitFor(() => expect(within(dialog).getByTestId('password-changed-at')).toHaveTextContent(/^Last changed Dec 2, 2026/));
  });
});
