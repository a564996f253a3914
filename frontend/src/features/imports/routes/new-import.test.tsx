import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { importFixture, importUsage } from '../testing/fixtures';
import { NewImportRoute } from './new-import';

const routes = [
  { path: '/imports/new', element: <NewImportRoute /> },
  { path: '/imports/:importId', element: <p data-testid="import-page" /> },
];

function signIn() {
  installAuth();
  const grant = grantFor();
  applyGrant(grant);
  return { user: grant.user, memberships: [], permissions: ['imports:read', 'imports:write', 'usage:read'] };
}

const csv = (rows: number) => new File([`email\n${'a@b.example\n'.repeat(rows)}`], 'people.csv', { type: 'text/csv' });

describe('new import page (tenant)', () => {
  it("says what the package allows and uploads a file within the cap", async () => {
    const me = signIn();
    const api = stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(importUsage({ maxFileBytes: 5242880, rowsLimit: 1000, rowsRemaining: 800 })),
      'POST /imports': () => jsonResponse(importFixture({ id: 'imp-3' }), { status: 201 }),
    });
    const { router } = renderRoutes(routes, { route: '/imports/new' });

    expect(await screen.findByTestId('import-allowance')).toHaveTextContent(
      /Your Starter package takes files up to 5 MiB and 1,000 import rows a month: 800 left until Dec 1, 2026\. Invalid rows are not charged\.$/,
    );
    expect(screen.queryByText(/Your package sets the largest file/)).not.toBeInTheDocument();
    expect(screen.queryByTestId('import-rows-used-up')).not.toBeInTheDocument();

    await userEvent.upload(screen.getByLabelText('File to import'), csv(2));
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports/imp-3'));
    expect(api.mock.calls.some(([r]) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/imports')).toBe(true);
  });

  it('shows the upload progress, then that the server reads the file', async () => {
    const me = signIn();
    let answer: (response: Response) => void = () => {};
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(importUsage()),
      'POST /imports': () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    const { router } = renderRoutes(routes, { route: '/imports/new' });
    await screen.findByTestId('import-allowance');

    await userEvent.upload(screen.getByLabelText('File to import'), csv(2));

    // Every byte sent, the answer (the preflight) not yet there.
    await waitFor(() =>
      expect(screen.getByTestId('upload-status')).toHaveTextContent(
        'people.csv is uploaded; reading it (encoding, delimiter, columns, rows)…',
      ),
    );
    expect(screen.getByRole('progressbar', { name: 'Upload progress' })).toHaveAttribute('aria-valuenow', '100');
    answer(jsonResponse(importFixture({ id: 'imp-6' }), { status: 201 }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports/imp-6'));
  });

  it('refuses a file over the cap before uploading it, naming its size and the cap', async () => {
    const me = signIn();
    const api = stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(importUsage({ maxFileBytes: 1024 })),
    });
    renderRoutes(routes, { route: '/imports/new' });
    await screen.findByTestId('import-allowance');

    await userEvent.upload(screen.getByLabelText('File to import'), csv(200));

    const alert = await screen.findByTestId('import-file-too-large');
    expect(alert).toHaveTextContent('people.csv is 2.3 KiB; the Starter package takes files up to 1 KiB.');
    expect(await screen.findByRole('link', { name: 'Compare packages' })).toHaveAttribute('href', '/billing');
    expect(api.mock.calls.some(([r]) => r.method === 'POST')).toBe(false);

    // A smaller file afterwards goes up, and the refusal goes away.
    api.mockClear();
    await userEvent.upload(screen.getByLabelText('File to import'), csv(2));
    await waitFor(() => expect(api.mock.calls.some(([r]) => r.method === 'POST')).toBe(true));
    expect(screen.queryByTestId('import-file-too-large')).not.toBeInTheDocument();
  });

  it("says when this month's import rows are used up, and still takes an upload", async () => {
    const me = signIn();
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(importUsage({ rowsLimit: 1000, rowsRemaining: 0 })),
      'POST /imports': () => jsonResponse(importFixture({ id: 'imp-4' }), { status: 201 }),
    });
    const { router } = renderRoutes(routes, { route: '/imports/new' });

    expect(await screen.findByTestId('import-rows-used-up')).toHaveTextContent(
      'The Starter package includes 1,000 import rows a month. You can still upload a file, map it and dry-run it; starting an import is possible again on Dec 1, 2026.',
    );
    await userEvent.upload(screen.getByLabelText('File to import'), csv(2));
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports/imp-4'));
  });

  it('falls back to the general note when usage cannot be read, and leaves the cap to the server', async () => {
    const me = signIn();
    const api = stubApi({
      'GET /me': () => jsonResponse(me),
      'POST /imports': () => jsonResponse(importFixture({ id: 'imp-5' }), { status: 201 }),
    });
    const { router } = renderRoutes(routes, { route: '/imports/new' });

    expect(await screen.findByText(/Your package sets the largest file and the rows you can import each month\./)).toBeInTheDocument();
    await waitFor(() => expect(api.mock.calls.some(([r]) => new URL(r.url).pathname === '/api/v1/tenant/usage')).toBe(true));
    expect(screen.queryByTestId('import-allowance')).not.toBeInTheDocument();
    await userEvent.upload(screen.getByLabelText('File to import'), csv(200));
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports/imp-5'));
  });
});
