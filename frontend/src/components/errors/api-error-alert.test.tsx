import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '@/lib/api-error';
import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { ApiErrorAlert } from './api-error-alert';

function problem(status: number, title: string, detail: string) {
  return new ApiError({ status, code: 'x', title, detail, requestId: `req-${status}` });
}

describe('ApiErrorAlert', () => {
  it('shows an expected problem as its plain sentence, without the HTTP title or request id', () => {
    renderWithProviders(<ApiErrorAlert error={problem(401, 'Unauthorized', 'The email or password is incorrect.')} />);

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('The email or password is incorrect.');
    expect(alert).not.toHaveTextContent('Unauthorized');
    expect(alert).not.toHaveTextContent('Request ID');
  });

  it('says something plain for an expected problem that came without a detail', () => {
    renderWithProviders(<ApiErrorAlert error={problem(404, 'Not Found', '')} />);

    expect(screen.getByRole('alert')).toHaveTextContent('This was not found. It may have been deleted.');
    expect(screen.getByRole('alert')).not.toHaveTextContent('Not Found');
  });

  it.each([
    [403, 'Forbidden', 'This organization is suspended.'],
    [409, 'Conflict', 'Connect the 1CloudAI CRM first.'],
    [422, 'Unprocessable Entity', 'The mapping has invalid fields.'],
  ])('offers no "Try again" for a %i, which a retry cannot fix', (status, title, detail) => {
    renderWithProviders(<ApiErrorAlert error={problem(status, title, detail)} onRetry={vi.fn()} />);

    expect(within(screen.getByRole('alert')).queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
  });

  it('keeps the heading, the request id and "Try again" for a server error', () => {
    const onRetry = vi.fn();
    renderWithProviders(<ApiErrorAlert error={problem(500, 'Internal Server Error', 'Something went wrong on our side.')} onRetry={onRetry} />);

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Internal Server Error');
    expect(within(alert).getByText('req-500')).toBeInTheDocument();
    within(alert).getByRole('button', { name: 'Try again' }).click();
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('offers "Try again" when the server could not be reached', () => {
    renderWithProviders(<ApiErrorAlert error={ApiError.network(new TypeError('fetch failed'))} onRetry={vi.fn()} />);

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Cannot reach the server');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it.each([
    ['the server says "try again later"', 'Too many failed sign-in attempts; try again later.', 30, 'Too many failed sign-in attempts; try again in 30 seconds.'],
    ['the server names the wait already', "Over this API key's limit of 60 requests per minute; retry in 5 s.", 5, "Over this API key's limit of 60 requests per minute; retry in 5 s."],
    ['any other sentence', 'Too many sign-ups from this address.', 120, 'Too many sign-ups from this address; try again in 2 minutes.'],
    ['no detail at all', '', 45, 'Too many requests; try again in 45 seconds.'],
  ])('says how long to wait for a 429 in one sentence: %s', (_, detail, retryAfter, sentence) => {
    const error = new ApiError({ status: 429, code: 'rate_limited', title: 'Too Many Requests', detail, retryAfter });
    renderWithProviders(<ApiErrorAlert error={error} onRetry={vi.fn()} />);

    const alert = screen.getByRole('alert');
    expect(within(alert).getByTestId('retry-after')).toHaveTextContent(sentence);
    expect(alert.textContent?.replace('Try again', '')).toBe(sentence);
  });

  it('says when a used-up monthly quota comes back in words, without a wait or a Try again that cannot help', async () => {
    installAuth();
    applyGrant(grantFor());
    stubApi({
      'GET /me': () =>
        jsonResponse({
          user: grantFor().user,
          tenant: { id: 'tenant-1', name: 'Acme', role: 'org_admin', status: 'active' },
          memberships: [],
          permissions: ['usage:read', 'billing:manage'],
        }),
    });
    const error = new ApiError({
      status: 429,
      code: 'rate_limited',
      title: 'Too Many Requests',
      type: 'quota-exceeded',
      detail: "The file has 3 rows, but only 0 of this month's 50,000 import rows remain; the quota resets at 2026-12-01T00:00:00Z.",
      retryAfter: 17_740,
    });
    renderWithProviders(<ApiErrorAlert error={error} onRetry={vi.fn()} />);

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(
      "The file has 3 rows, but only 0 of this month's 50,000 import rows remain; the quota resets at Dec 1, 2026.",
    );
    expect(alert).not.toHaveTextContent('2026-12-01T00:00:00Z');
    expect(alert).not.toHaveTextContent('try again in');
    expect(within(alert).queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    expect(await within(alert).findByRole('link', { name: 'Compare packages' })).toHaveAttribute('href', '/billing');
  });
});
