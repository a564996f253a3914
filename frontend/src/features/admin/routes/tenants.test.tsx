import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it } from 'vitest';

import { adminRoutes, signInStaff } from '@/testing/staff';
import { jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { AdminTenantsRoute } from './tenants';

const routes = adminRoutes([
  { path: 'tenants', element: <AdminTenantsRoute /> },
  { path: 'tenants/:tenantId', element: <h2>Tenant page</h2> },
]);

function tenant(id: string, name: string, status: 'active' | 'suspended') {
  return {
    id,
    name,
    status,
    package_code: 'free',
    subscription_package_code: 'free',
    subscription_status: 'active',
    downgraded: false,
    members: 1,
    created_at: '2026-11-01T10:00:00Z',
  };
}

const tenants = [tenant('t-acme', 'Acme', 'active'), tenant('t-globex', 'Globex', 'suspended')];

describe('admin tenants', () => {
  it('keeps the search and the status filter in the URL, so Back from a tenant returns to them', async () => {
    const me = signInStaff('support');
    const asked: string[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants': (_, { url }) => {
        const q = url.searchParams.get('q') ?? '';
        const status = url.searchParams.get('status') ?? '';
        asked.push(`${q}|${status}`);
        const items = tenants.filter(
          (t) => (!q || t.name.toLowerCase().includes(q.toLowerCase())) && (!status || t.status === status),
        );
        return jsonResponse({ items, next_cursor: '' });
      },
    });
    const { router } = renderRoutes(routes, { route: '/admin/tenants?q=glob&status=suspended' });

    expect(await screen.findByRole('link', { name: 'Globex' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Acme' })).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Search' })).toHaveValue('glob');
    expect(asked).toEqual(['glob|suspended']);

    await userEvent.clear(screen.getByRole('textbox', { name: 'Search' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Search' }), 'acme{Enter}');
    await waitFor(() => expect(router.state.location.search).toBe('?q=acme&status=suspended'));

    await act(() => router.navigate('/admin/tenants?q=glob'));
    await userEvent.click(await screen.findByRole('link', { name: 'Globex' }));
    expect(await screen.findByRole('heading', { name: 'Tenant page' })).toBeInTheDocument();

    await act(() => router.navigate(-1));
    expect(await screen.findByRole('link', { name: 'Globex' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Search' })).toHaveValue('glob');
    expect(screen.queryByRole('link', { name: 'Acme' })).not.toBeInTheDocument();
    expect(asked.at(-1)).toBe('glob|');
  });

  it('names each tenant\'s package as staff know it, not by its code', async () => {
    const me = signInStaff('support');
    const downgraded = { ...tenant('t-initech', 'Initech', 'active'), subscription_package_code: 'pro', downgraded: true };
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants': () => jsonResponse({ items: [tenants[0], downgraded], next_cursor: '' }),
      'GET /admin/packages': () =>
        jsonResponse({
          items: [
            { id: 'p-free', code: 'free', name: 'Free' },
            { id: 'p-pro', code: 'pro', name: 'Pro' },
          ],
        }),
    });
    renderRoutes(routes, { route: '/admin/tenants' });

    await waitFor(() =>
      expect(screen.getAllByTestId('tenant-package').map((cell) => cell.textContent)).toEqual(['Free', 'Free (Pro not in force)']),
    );
  });
});
