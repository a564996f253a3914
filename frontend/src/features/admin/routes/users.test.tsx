import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { mediaQueryList } from '@/testing/media';
import { adminRoutes, signInStaff } from '@/testing/staff';
import { jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { AdminUsersRoute } from './users';

const routes = adminRoutes([{ path: 'users', element: <AdminUsersRoute /> }]);

const users = ['ada@acme.test', 'max@globex.test'].map((email, i) => ({
  id: `u-${i}`,
  email,
  name: '',
  system_role: 'user',
  created_at: '2026-11-01T10:00:00Z',
  last_login_at: null,
  password_changed_at: '2026-11-01T10:00:00Z',
}));

describe('admin users', () => {
  it('keeps the search in the URL, so a reload and Back keep it', async () => {
    const me = signInStaff('support');
    const asked: string[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/users': (_, { url }) => {
        const q = url.searchParams.get('q') ?? '';
        asked.push(q);
        return jsonResponse({ items: users.filter((u) => u.email.includes(q)), next_cursor: '' });
      },
    });
    const { router } = renderRoutes(routes, { route: '/admin/users?q=globex' });

    expect(await screen.findByText('max@globex.test')).toBeInTheDocument();
    expect(screen.queryByText('ada@acme.test')).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Search' })).toHaveValue('globex');
    expect(asked).toEqual(['globex']);

    await userEvent.clear(screen.getByRole('textbox', { name: 'Search' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Search' }), 'acme{Enter}');
    expect(await screen.findByText('ada@acme.test')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?q=acme');

    await act(() => router.navigate(-1));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Search' })).toHaveValue('globex'));
    expect(await screen.findByText('max@globex.test')).toBeInTheDocument();
    expect(screen.queryByText('ada@acme.test')).not.toBeInTheDocument();
  });

  it.each([
    { screenName: 'a wide screen', phone: false },
    { screenName: 'a phone', phone: true },
  ])('on $screenName, shows each account\'s values labelled and lets a system admin change its role', async ({ phone }) => {
    // Below Mantine's `sm` (375 px) a card per account: the 720px table put the system role past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, phone && query.includes('max-width')));
    const me = signInStaff('system_admin');
    const changed: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/users': () => jsonResponse({ items: users, next_cursor: '' }),
      'PATCH /admin/users/:id': async (request) => {
        const body = (await request.json()) as { system_role: string };
        changed.push(body);
        return jsonResponse({ ...users[1], system_role: body.system_role });
      },
    });
    renderRoutes(routes, { route: '/admin/users' });

    await screen.findByText('max@globex.test');
    const labels = ['Name', 'System role', 'Created', 'Last sign-in'];
    let holder: HTMLElement;
    if (phone) {
      expect(screen.queryByTestId('users-table')).not.toBeInTheDocument();
      holder = screen.getByRole('article', { name: 'max@globex.test' });
      expect(within(holder).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual(labels);
      const value = (label: string) => within(holder).getByText(label, { selector: 'dt' }).nextElementSibling;
      expect(value('Name')).toHaveTextContent('—');
      expect(value('Created')).toHaveTextContent('Nov 1, 2026');
      expect(value('Last sign-in')).toHaveTextContent('Never');
    } else {
      expect(screen.queryByRole('article', { name: 'max@globex.test' })).not.toBeInTheDocument();
      expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Email', ...labels]);
      holder = screen.getByRole('row', { name: /max@globex.test/ });
      expect(within(holder).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
        'max@globex.test',
        '—',
        // The role's menu, its options hidden until opened.
        expect.any(String),
        'Nov 1, 2026',
        'Never',
      ]);
    }
    expect(screen.getAllByTestId('user-row')).toHaveLength(2);
    expect(within(holder).getByRole('combobox', { name: 'System role of max@globex.test' })).toHaveValue('User');

    await userEvent.click(within(holder).getByRole('combobox', { name: 'System role of max@globex.test' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Support' }));
    await waitFor(() => expect(changed).toEqual([{ system_role: 'support' }]));
  });
});
