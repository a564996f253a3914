import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { appRoutes } from '@/app/routes';
import { applyGrant, getSession, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, problemResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { AcceptInvitationRoute } from './accept-invitation';

const preview = {
  tenant_name: 'Acme',
  email: 'new@acme.test',
  role: 'member',
  expires_at: '2026-12-05T10:00:00Z',
};

function render(route: string) {
  return renderRoutes(
    [
      { path: '/invitations/accept', element: <AcceptInvitationRoute /> },
      { path: '/', element: <h1>Home</h1> },
    ],
    { route },
  );
}

describe('AcceptInvitationRoute', () => {
  it('reads the token from the fragment, sends it only in bodies, and signs the new account in', async () => {
    installAuth();
    const bodies: { path: string; body: unknown }[] = [];
    const fetchMock = stubApi({
      'POST /invitations/lookup': async (request) => {
        bodies.push({ path: '/invitations/lookup', body: await request.json() });
        return jsonResponse(preview);
      },
      'POST /invitations/accept': async (request) => {
        bodies.push({ path: '/invitations/accept', body: await request.json() });
        return jsonResponse(grantFor({ email: 'new@acme.test' }, { id: 'tenant-1', name: 'Acme', role: 'member' }));
      },
    });
    const { router } = render('/invitations/accept#token=tok-123');

    expect(await screen.findByTestId('invitation-tenant')).toHaveTextContent('Acme');
    expect(screen.getByTestId('invitation-email')).toHaveTextContent('new@acme.test');
    expect(screen.getByTestId('invitation-role')).toHaveTextContent('Member');
    await userEvent.type(screen.getByRole('textbox', { name: 'Your name' }), 'Nina New');
    await userEvent.type(screen.getByLabelText(/^Password/), 'a-long-unique-passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Join Acme' }));

    expect(await screen.findByRole('heading', { name: 'Home' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
    expect(getSession()).toMatchObject({ status: 'signed-in', user: { email: 'new@acme.test' } });
    expect(bodies).toEqual([
      { path: '/invitations/lookup', body: { token: 'tok-123' } },
      { path: '/invitations/accept', body: { token: 'tok-123', name: 'Nina New', password: 'a-long-unique-passphrase' } },
    ]);
    for (const [request] of fetchMock.mock.calls) expect(request.url).not.toContain('tok-123');
  });

  it('wraps a long invited address anywhere instead of running past the card on a phone', async () => {
    installAuth();
    const email = 'a.very.long.invited.address.without.breaks@subsidiary.example-corporation.org';
    stubApi({ 'POST /invitations/lookup': () => jsonResponse({ ...preview, email }) });
    render('/invitations/accept#token=tok-123');

    const value = await screen.findByTestId('invitation-email');
    expect(value).toHaveTextContent(email);
    expect(value).toHaveStyle({ overflowWrap: 'anywhere' });
    // The sentences naming the address (the account hint, a signed-in-as-someone-else warning)
    // inherit the card's wrapping.
    expect(screen.getByTestId('invitation-card')).toHaveStyle({ overflowWrap: 'anywhere' });
    expect(screen.getByTestId('invitation-card')).toHaveTextContent(`If ${email} has an account with us`);
  });

  it('lets the invited user who is signed in already join with one click, no password', async () => {
    installAuth();
    applyGrant(grantFor({ email: 'Max@Acme.test' }, { id: 'tenant-9', name: 'Globex', role: 'member' }, 'max-token'));
    const calls: { path: string; body: unknown; authorization: string | null }[] = [];
    stubApi({
      'POST /invitations/lookup': () => jsonResponse({ ...preview, email: 'max@acme.test' }),
      'POST /me/invitations/accept': async (request) => {
        calls.push({ path: '/me/invitations/accept', body: await request.json(), authorization: request.headers.get('Authorization') });
        return jsonResponse(grantFor({ email: 'Max@Acme.test' }, { id: 'tenant-1', name: 'Acme', role: 'member' }, 'acme-token'));
      },
    });
    const { router } = render('/invitations/accept#token=tok-123');

    expect(await screen.findByText('You are signed in as Max@Acme.test, the invited address.')).toBeInTheDocument();
    expect(screen.queryByLabelText(/password/i)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Join Acme' }));

    expect(await screen.findByRole('heading', { name: 'Home' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
    expect(getSession()).toMatchObject({ status: 'signed-in', tenant: { id: 'tenant-1', name: 'Acme' } });
    expect(calls).toEqual([{ path: '/me/invitations/accept', body: { token: 'tok-123' }, authorization: 'Bearer max-token' }]);
  });

  it('shows why a one-click join was refused', async () => {
    installAuth();
    applyGrant(grantFor({ email: 'max@acme.test' }, { id: 'tenant-9', name: 'Globex', role: 'member' }, 'max-token'));
    stubApi({
      'POST /invitations/lookup': () => jsonResponse({ ...preview, email: 'max@acme.test' }),
      'POST /me/invitations/accept': () =>
        problemResponse({
          status: 409,
          title: 'Conflict',
          code: 'conflict',
          type: 'seat-limit-reached',
          detail: 'Acme has no seat left on its package.',
        }),
    });
    render('/invitations/accept#token=tok-123');

    await userEvent.click(await screen.findByRole('button', { name: 'Join Acme' }));

    expect(await screen.findByText('Acme has no seat left on its package.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Join Acme' })).toBeInTheDocument();
  });

  it('sends the session signed in before along, so that the server ends it when the browser switches accounts', async () => {
    installAuth();
    applyGrant(grantFor({ email: 'old@globex.test' }, { id: 'tenant-9', name: 'Globex', role: 'member' }, 'old-token'));
    const authorizations: (string | null)[] = [];
    stubApi({
      'POST /invitations/lookup': () => jsonResponse(preview),
      'POST /invitations/accept': (request) => {
        authorizations.push(request.headers.get('Authorization'));
        return jsonResponse(grantFor({ email: 'new@acme.test' }, { id: 'tenant-1', name: 'Acme', role: 'member' }, 'new-token'));
      },
    });
    render('/invitations/accept#token=tok-123');

    expect(await screen.findByText('You are signed in as old@globex.test. Accepting signs you in as new@acme.test instead.')).toBeInTheDocument();
    await userEvent.type(screen.getByRole('textbox', { name: 'Your name' }), 'Nina New');
    await userEvent.type(screen.getByLabelText(/^Password/), 'a-long-unique-passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Join Acme' }));

    expect(await screen.findByRole('heading', { name: 'Home' })).toBeInTheDocument();
    expect(authorizations).toEqual(['Bearer old-token']);
    expect(getSession()).toMatchObject({ status: 'signed-in', user: { email: 'new@acme.test' } });
  });

  it('does not look the used invitation up again when accepting switches the signed-in account', async () => {
    // The whole app: its layout resets the cached queries when the signed-in user changes.
    installAuth();
    applyGrant(grantFor({ email: 'old@globex.test' }, { id: 'tenant-9', name: 'Globex', role: 'member' }, 'old-token'));
    let accepted = false;
    const lookups: boolean[] = [];
    stubApi({
      'POST /invitations/lookup': () => {
        lookups.push(accepted);
        return accepted
          ? problemResponse({ status: 404, title: 'Not Found', code: 'not_found', detail: 'This invitation link is invalid, used, revoked or expired; ask for a new one.' })
          : jsonResponse(preview);
      },
      'POST /invitations/accept': () => {
        accepted = true;
        return jsonResponse(grantFor({ email: 'new@acme.test' }, { id: 'tenant-1', name: 'Acme', role: 'member' }, 'new-token'));
      },
    });
    const { router } = renderRoutes(appRoutes, { route: '/invitations/accept#token=tok-123' });

    await userEvent.type(await screen.findByRole('textbox', { name: 'Your name' }, { timeout: 5000 }), 'Nina New');
    await userEvent.type(screen.getByLabelText(/^Password/), 'a-long-unique-passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Join Acme' }));

    await vi.waitFor(() => expect(router.state.location.pathname).toBe('/'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' }, { timeout: 5000 })).toBeInTheDocument();
    expect(getSession()).toMatchObject({ status: 'signed-in', user: { email: 'new@acme.test' } });
    // Let any refetch the sign-in set off reach the server.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lookups).toEqual([false]);
  });

  it('asks one password of every invitee, without saying whether the address has an account', async () => {
    stubApi({
      'POST /invitations/lookup': () => jsonResponse(preview),
      'POST /invitations/accept': () =>
        problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          code: 'invalid',
          detail: 'Enter the password of your existing account.',
          errors: [{ field: 'password', message: 'is incorrect for new@acme.test' }],
        }),
    });
    render('/invitations/accept#token=tok-123');

    expect(
      await screen.findByText(
        'If new@acme.test has an account with us, enter its password to join. If not, choose a password to create the account.',
      ),
    ).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/^Password/), 'not-the-password');
    await userEvent.click(screen.getByRole('button', { name: 'Join Acme' }));

    expect(await screen.findByText('is incorrect for new@acme.test')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Reset it' })).toHaveAttribute('href', '/forgot-password');
  });

  it('explains a used or expired link', async () => {
    stubApi({
      'POST /invitations/lookup': () =>
        problemResponse({ status: 404, title: 'Not Found', code: 'not_found', detail: 'This invitation link is invalid, used, revoked or expired; ask for a new one.' }),
    });
    render('/invitations/accept#token=used');

    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation cannot be used');
  });

  it('says so when the link has no token, without asking the server', async () => {
    const fetchMock = stubApi({});
    render('/invitations/accept');

    expect(await screen.findByText('This link is incomplete')).toBeInTheDocument();
    await vi.waitFor(() => expect(fetchMock).not.toHaveBeenCalled());
  });
});
