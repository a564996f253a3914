import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it } from 'vitest';

import { adminRoutes, signInStaff } from '@/testing/staff';
import { jsonResponse, problemResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { AdminAuditRoute } from './audit';

const routes = adminRoutes([{ path: 'audit', element: <AdminAuditRoute /> }]);

function event(action: string) {
  return {
    id: `ev-${action}`,
    action,
    actor_id: null,
    actor_label: '1CloudAI staff',
    actor_type: 'user',
    created_at: '2026-11-28T10:00:00Z',
    data: {},
    ip: '',
    request_id: '',
    target_id: 'tenant-1',
    target_type: 'tenant',
    tenant_id: 'tenant-1',
  };
}

describe('admin audit log', () => {
  it('keeps the tenant and action filter in the URL, so a reload and Back keep it', async () => {
    const me = signInStaff('support');
    const asked: string[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/audit-events': (_, { url }) => {
        const action = url.searchParams.get('action') ?? '';
        asked.push(`${url.searchParams.get('tenant_id') ?? ''}|${action}`);
        return jsonResponse({ items: [event(action.replace('*', 'suspended') || 'auth.login')], next_cursor: '' });
      },
    });
    const { router } = renderRoutes(routes, { route: '/admin/audit?tenant_id=tenant-1&action=tenant.*' });

    expect(await screen.findByText('tenant.suspended')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Tenant id' })).toHaveValue('tenant-1');
    expect(screen.getByRole('textbox', { name: 'Action' })).toHaveValue('tenant.*');
    expect(asked).toEqual(['tenant-1|tenant.*']);

    await userEvent.clear(screen.getByRole('textbox', { name: 'Tenant id' }));
    await userEvent.clear(screen.getByRole('textbox', { name: 'Action' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Action' }), 'subscription.*{Enter}');
    expect(await screen.findByText('subscription.suspended')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?action=subscription.*');
    expect(asked.at(-1)).toBe('|subscription.*');

    await act(() => router.navigate(-1));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Action' })).toHaveValue('tenant.*'));
    expect(screen.getByRole('textbox', { name: 'Tenant id' })).toHaveValue('tenant-1');
    expect(await screen.findByText('tenant.suspended')).toBeInTheDocument();
  });

  it("shows the server's reason for a tenant id that is not one next to the Tenant id box", async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/audit-events': (_, { url }) =>
        url.searchParams.has('tenant_id')
          ? problemResponse({
              status: 422,
              title: 'Unprocessable Entity',
              code: 'invalid',
              type: 'validation-error',
              detail: 'Invalid query parameter.',
              errors: [{ field: 'tenant_id', message: 'must be a valid id' }],
            })
          : jsonResponse({ items: [event('auth.login')], next_cursor: '' }),
    });
    renderRoutes(routes, { route: '/admin/audit?tenant_id=acme' });

    const box = await screen.findByRole('textbox', { name: 'Tenant id' });
    await waitFor(() => expect(box).toHaveAccessibleDescription('must be a valid id'));
    expect(box).toHaveAttribute('aria-invalid', 'true');
    // Nothing else is wrong: no alert repeats it without saying which box.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await userEvent.clear(box);
    await userEvent.type(box, '{Enter}');
    expect(await screen.findByText('auth.login')).toBeInTheDocument();
    expect(box).not.toHaveAttribute('aria-invalid', 'true');
  });
});
