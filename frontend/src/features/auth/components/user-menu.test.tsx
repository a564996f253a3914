import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { appRoutes } from '@/app/routes';
import { grantFor, jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

describe('UserMenu', () => {
  it('returns focus to the account menu button when the password dialog closes', async () => {
    const grant = grantFor({ email: 'ada@example.com', name: 'Ada Admin' });
    stubApi({
      'GET /status': () =>
        jsonResponse({ name: '1CloudAI Business Contacts', version: 'dev', environment: 'test', database: 'ok', time: '2026-11-28T20:00:00Z' }),
      'POST /auth/refresh': () => jsonResponse(grant),
      'GET /me': () =>
        jsonResponse({
          user: grant.user,
          tenant: grant.tenant,
          memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme', role: 'org_admin', status: 'active' }],
          package: { code: 'free', name: 'Free' },
          permissions: [],
        }),
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
});
