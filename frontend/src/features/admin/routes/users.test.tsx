import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it } from 'vitest';

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
});
