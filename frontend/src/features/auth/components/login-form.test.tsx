import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { getSession, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { LoginForm } from './login-form';

async function fillAndSubmit(email: string, password: string) {
  await userEvent.type(screen.getByRole('textbox', { name: 'Email' }), email);
  await userEvent.type(screen.getByLabelText(/^Password/), password);
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginForm', () => {
  it('shows the field errors of a 422 problem next to their fields', async () => {
    stubApi({
      'POST /auth/login': () =>
        new Response(
          JSON.stringify({
            type: 'validation-error',
            title: 'Unprocessable Entity',
            status: 422,
            detail: 'The request has invalid fields.',
            code: 'invalid',
            request_id: 'req-422',
            errors: [
              { field: 'email', message: 'must be a valid email address' },
              { field: 'password', message: 'is required' },
            ],
          }),
          { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
        ),
    });
    renderWithProviders(<LoginForm />);

    await fillAndSubmit('not-an-email', 'x');

    const email = screen.getByRole('textbox', { name: 'Email' });
    expect(await screen.findByText('must be a valid email address')).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('must be a valid email address');
    // Focus lands on the first field to fix, not on the top of the page.
    expect(email).toHaveFocus();
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription('is required');
    // Marked invalid as the email field is, so screen readers say so (Mantine's PasswordInput does not).
    expect(screen.getByLabelText(/^Password/)).toHaveAttribute('aria-invalid', 'true');
    // Every problem is shown next to its field: no general alert on top.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a wrong password as a general alert, not against a field', async () => {
    stubApi({
      'POST /auth/login': () =>
        new Response(
          JSON.stringify({ type: 'unauthorized', title: 'Unauthorized', status: 401, detail: 'The email or password is incorrect.', code: 'unauthorized', request_id: 'req-401' }),
          { status: 401, headers: { 'Content-Type': 'application/problem+json' } },
        ),
    });
    renderWithProviders(<LoginForm />);

    await fillAndSubmit('ada@acme.test', 'wrong-password');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The email or password is incorrect.')).toBeInTheDocument();
    // A plain sentence: no "Unauthorized" heading, no request id.
    expect(alert).not.toHaveTextContent('Unauthorized');
    expect(alert).not.toHaveTextContent('Request ID');
    expect(screen.getByRole('textbox', { name: 'Email' })).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('says how long to wait when sign-in is throttled (429 Retry-After)', async () => {
    stubApi({
      'POST /auth/login': () =>
        new Response(
          JSON.stringify({ type: 'login-throttled', title: 'Too Many Requests', status: 429, detail: 'Too many failed sign-in attempts; try again later.', code: 'rate_limited' }),
          { status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '120' } },
        ),
    });
    renderWithProviders(<LoginForm />);

    await fillAndSubmit('ada@acme.test', 'wrong-password');

    const alert = await screen.findByRole('alert');
    // One sentence: not "…; try again later." followed by "Try again in 2 minutes."
    expect(within(alert).getByTestId('retry-after')).toHaveTextContent(/^Too many failed sign-in attempts; try again in 2 minutes\.$/);
    expect(alert).not.toHaveTextContent('later');
  });

  it('starts the session with the returned token', async () => {
    installAuth();
    const fetchMock = stubApi({ 'POST /auth/login': () => jsonResponse(grantFor({ email: 'ada@acme.test' })) });
    renderWithProviders(<LoginForm />);

    await fillAndSubmit(' ada@acme.test ', 'correct-horse-battery');

    await screen.findByRole('button', { name: 'Sign in' });
    await vi.waitFor(() => expect(getSession()).toMatchObject({ status: 'signed-in', user: { email: 'ada@acme.test' } }));
    const request = fetchMock.mock.calls[0]![0];
    expect(await request.clone().json()).toEqual({ email: 'ada@acme.test', password: 'correct-horse-battery' });
    // Storage says there is a session (to try the refresh on the next load), never holds the token.
    expect(Object.values(window.localStorage)).toEqual(['signed-in']);
  });
});
