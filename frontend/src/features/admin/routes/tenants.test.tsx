import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { mediaQueryList } from '@/testing/media';
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

  it.each([
    { screenName: 'a wide screen', phone: false },
    { screenName: 'a phone', phone: true },
  ])('on $screenName, shows each tenant\'s name as a link to its page and its values labelled', async ({ phone }) => {
    // Below Mantine's `sm` (375 px) a card per tenant: the 760px table put its package and members past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, phone && query.includes('max-width')));
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/tenants': () => jsonResponse({ items: tenants, next_cursor: '' }),
      'GET /admin/packages': () => jsonResponse({ items: [{ id: 'p-free', code: 'free', name: 'Free' }] }),
    });
    renderRoutes(routes, { route: '/admin/tenants' });

    await screen.findByRole('link', { name: 'Globex' });
    const labels = ['Status', 'Package', 'Subscription', 'Members', 'Created'];
    if (phone) {
      expect(screen.queryByTestId('tenants-table')).not.toBeInTheDocument();
      const card = screen.getByRole('article', { name: 'Globex' });
      expect(within(card).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual(labels);
      const value = (label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;
      expect(value('Status')).toHaveTextContent('Suspended');
      await waitFor(() => expect(value('Package')).toHaveTextContent('Free'));
      expect(value('Members')).toHaveTextContent('1');
      expect(value('Created')).toHaveTextContent('Nov 1, 2026');
    } else {
      expect(screen.queryByRole('article', { name: 'Globex' })).not.toBeInTheDocument();
      expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', ...labels]);
      const row = screen.getByRole('row', { name: /Globex/ });
      await waitFor(() =>
        expect(within(row).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
          'Globex',
          'Suspended',
          'Free',
          'Active',
          '1',
          'Nov 1, 2026',
        ]),
      );
    }
    expect(screen.getAllByTestId('tenant-row')).toHaveLength(2);

    await userEvent.click(screen.getByRole('link', { name: 'Globex' }));
    expect(await screen.findByRole('heading', { name: 'Tenant page' })).toBeInTheDocument();
  });
});
