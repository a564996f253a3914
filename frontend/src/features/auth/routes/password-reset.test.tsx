import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { installAuth } from '@/lib/auth/session';
import { problemResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { ForgotPasswordRoute } from './forgot-password';
import { LoginRoute } from './login';
import { ResetPasswordRoute } from './reset-password';

function render(route: string) {
  return renderRoutes(
    [
      { path: '/forgot-password', element: <ForgotPasswordRoute /> },
      { path: '/reset-password', element: <ResetPasswordRoute /> },
      { path: '/login', element: <LoginRoute /> },
    ],
    { route },
  );
}

describe('password reset', () => {
  it('asks for a link and says the same whether or not the account exists', async () => {
    installAuth();
    const bodies: unknown[] = [];
    stubApi({
      'POST /auth/password-reset': async (request) => {
        bodies.push(await request.json());
        return new Response(null, { status: 202 });
      },
    });
    render('/forgot-password');

    await userEvent.type(screen.getByRole('textbox', { name: 'Email' }), ' ann@acme.test ');
    await userEvent.click(screen.getByRole('button', { name: 'Send the link' }));

    expect(await screen.findByTestId('reset-requested')).toHaveTextContent(
      'If an account exists for ann@acme.test, we sent it a link',
    );
    expect(bodies).toEqual([{ email: 'ann@acme.test' }]);
  });

  it('sets the new password with the token of the fragment, then asks to sign in again', async () => {
    installAuth();
    const bodies: unknown[] = [];
    const fetchMock = stubApi({
      'POST /auth/password-reset/confirm': async (request) => {
        bodies.push(await request.json());
        return new Response(null, { status: 204 });
      },
    });
    const { router } = render('/reset-password#token=tok-42');

    const button = screen.getByRole('button', { name: 'Set the new password' });
    await userEvent.type(screen.getByLabelText(/^New password/), 'a-long-unique-passphrase');
    await userEvent.type(screen.getByLabelText(/^Repeat the new password/), 'a-long-unique-passphras');
    expect(screen.getByText('The passwords differ.')).toBeInTheDocument();
    expect(button).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/^Repeat the new password/), 'e');
    await userEvent.click(button);

    expect(await screen.findByText(/Your password was changed and every session ended/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(bodies).toEqual([{ token: 'tok-42', password: 'a-long-unique-passphrase' }]);
    for (const [request] of fetchMock.mock.calls) expect(request.url).not.toContain('tok-42');
  });

  it('offers a new link when the link has expired or was used', async () => {
    installAuth();
    stubApi({
      'POST /auth/password-reset/confirm': () =>
        problemResponse({ status: 422, title: 'Unprocessable Entity', type: 'invalid-reset-link', code: 'invalid',
          detail: 'This reset link has expired or was used already; ask for a new one.' }),
    });
    render('/reset-password#token=old');

    await userEvent.type(screen.getByLabelText(/^New password/), 'a-long-unique-passphrase');
    await userEvent.type(screen.getByLabelText(/^Repeat the new password/), 'a-long-unique-passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Set the new password' }));

    const dead = await screen.findByTestId('reset-link-dead');
    expect(dead).toHaveTextContent('It has expired or was used already.');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
  });

  it('says a link without a token is incomplete', () => {
    installAuth();
    stubApi({});
    render('/reset-password');
    expect(screen.getByText('This link is incomplete')).toBeInTheDocument();
  });

  it('links the sign-in page to the reset', () => {
    installAuth();
    stubApi({});
    render('/login');
    expect(screen.getByRole('link', { name: 'Forgot your password?' })).toHaveAttribute('href', '/forgot-password');
  });
});
