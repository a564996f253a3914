import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it } from 'vitest';

import { adminRoutes, signInStaff } from '@/testing/staff';
import { jsonResponse, problemResponse, renderRoutes, renderWithProviders, stubApi } from '@/testing/test-utils';

import { AdminCorrectionsRoute } from './corrections';

const correction = {
  id: 'corr-1',
  tenant_id: 'tenant-9',
  tenant_name: 'Globex',
  contact_id: 'contact-1',
  contact_name: 'Zoë Müller',
  field: 'title',
  old_value: 'Head of Engineering',
  new_value: 'VP Engineering',
  status: 'pending',
  reviewed_at: null,
  created_at: '2026-11-27T09:00:00Z',
  current_value: 'Head of Engineering',
  stale: false,
};


describe('AdminCorrectionsRoute', () => {
  it('lets system admins accept a correction, which leaves the queue', async () => {
    const me = signInStaff('system_admin');
    const accepted: string[] = [];
    let pending = [correction];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/corrections': () => jsonResponse({ items: pending, next_cursor: '', total: pending.length, total_is_capped: false }),
      'POST /admin/corrections/:id/accept': (_, { path }) => {
        accepted.push(path);
        pending = [];
        return jsonResponse({ ...correction, status: 'accepted', reviewed_at: '2026-11-28T10:00:00Z' });
      },
    });
    renderWithProviders(<AdminCorrectionsRoute />, { route: '/admin/corrections' });

    const row = await screen.findByTestId('correction-row');
    expect(row).toHaveTextContent('Zoë Müller');
    expect(row).toHaveTextContent('Head of Engineering');
    expect(row).toHaveTextContent('VP Engineering');
    expect(within(row).getByRole('link', { name: 'Globex' })).toHaveAttribute('href', '/admin/tenants/tenant-9');
    await userEvent.click(within(row).getByRole('button', { name: 'Accept the title of Zoë Müller' }));

    expect(await screen.findByTestId('corrections-empty')).toBeInTheDocument();
    expect(accepted).toEqual(['/admin/corrections/corr-1/accept']);
  });

  it('marks a correction whose field changed since, and offers only to reject it', async () => {
    const me = signInStaff('system_admin');
    const stale = { ...correction, current_value: 'CTO', stale: true };
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/corrections': () => jsonResponse({ items: [stale], next_cursor: '', total: 1, total_is_capped: false }),
    });
    renderWithProviders(<AdminCorrectionsRoute />, { route: '/admin/corrections' });

    const row = await screen.findByTestId('correction-row');
    expect(within(row).getByTestId('correction-stale')).toHaveTextContent('Changed since');
    expect(within(row).getByTestId('correction-stale')).toHaveTextContent('Now “CTO”');
    expect(within(row).getByRole('button', { name: 'Accept the title of Zoë Müller' })).toBeDisabled();
    expect(within(row).getByRole('button', { name: 'Reject the title of Zoë Müller' })).toBeEnabled();
  });

  it('wraps values and the stale notice between words, breaking a word only when it cannot fit', async () => {
    const me = signInStaff('system_admin');
    const stale = { ...correction, current_value: 'CTO', stale: true };
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/corrections': () => jsonResponse({ items: [stale], next_cursor: '', total: 1, total_is_capped: false }),
    });
    renderWithProviders(<AdminCorrectionsRoute />, { route: '/admin/corrections' });

    const row = await screen.findByTestId('correction-row');
    // break-all cut prose mid-word ("accepting woul|d undo that") in a narrow column.
    for (const text of [
      within(row).getByText('Head of Engineering'),
      within(row).getByText('VP Engineering'),
      within(row).getByText(/accepting would undo that/),
    ]) {
      expect(text).not.toHaveStyle({ wordBreak: 'break-all' });
      expect(text).toHaveStyle({ overflowWrap: 'anywhere' });
    }
  });

  it('shows support staff the queue without review buttons', async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/corrections': () => jsonResponse({ items: [correction], next_cursor: '', total: 1, total_is_capped: false }),
    });
    renderWithProviders(<AdminCorrectionsRoute />, { route: '/admin/corrections' });

    await screen.findByTestId('correction-row');
    expect(await screen.findByText(/system admins review it/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Accept/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Reject/ })).not.toBeInTheDocument();
  });

  it('filters the queue by tenant and field, kept in the URL so a reload, a link and Back keep it', async () => {
    const me = signInStaff('support');
    const asked: string[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/corrections': (_, { url }) => {
        const field = url.searchParams.get('field') ?? '';
        asked.push(`${url.searchParams.get('tenant_id') ?? ''}|${field}`);
        // 1,200 in the whole queue: counted up to 1,000.
        return jsonResponse({
          items: [{ ...correction, field: field || 'title' }],
          next_cursor: '',
          total: url.searchParams.size > 1 ? 3 : 1000,
          total_is_capped: url.searchParams.size <= 1,
        });
      },
    });
    const { router } = renderRoutes(adminRoutes([{ path: 'corrections', element: <AdminCorrectionsRoute /> }]), {
      route: '/admin/corrections?tenant_id=tenant-9&field=email',
    });

    await screen.findByTestId('correction-row');
    await waitFor(() => expect(asked).toEqual(['tenant-9|email']));
    expect(screen.getByTestId('corrections-count')).toHaveTextContent('3 waiting for review in this filter.');
    expect(screen.getByRole('textbox', { name: 'Tenant id' })).toHaveValue('tenant-9');
    expect(screen.getByRole('combobox', { name: 'Field' })).toHaveValue('Email');

    await userEvent.click(screen.getByRole('combobox', { name: 'Field' }));
    await userEvent.click(await screen.findByRole('option', { name: 'City' }));
    await waitFor(() => expect(router.state.location.search).toBe('?tenant_id=tenant-9&field=city'));
    await waitFor(() => expect(asked.at(-1)).toBe('tenant-9|city'));

    await userEvent.click(screen.getByRole('button', { name: 'Show all' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    await waitFor(() => expect(asked.at(-1)).toBe('|'));
    expect(screen.getByRole('textbox', { name: 'Tenant id' })).toHaveValue('');
    expect(await screen.findByTestId('corrections-count')).toHaveTextContent('More than 1,000 waiting for review.');
    expect(screen.queryByRole('button', { name: 'Show all' })).not.toBeInTheDocument();

    await userEvent.type(screen.getByRole('textbox', { name: 'Tenant id' }), 'tenant-3{Enter}');
    await waitFor(() => expect(router.state.location.search).toBe('?tenant_id=tenant-3'));
    await waitFor(() => expect(asked.at(-1)).toBe('tenant-3|'));

    await act(() => router.navigate(-1));
    await waitFor(() => expect(asked.at(-1)).toBe('|'));
    await act(() => router.navigate(-1));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Tenant id' })).toHaveValue('tenant-9'));
    expect(screen.getByRole('combobox', { name: 'Field' })).toHaveValue('City');
  });

  it("shows the server's reason for a tenant id that is not one next to the Tenant id box", async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/corrections': (_, { url }) =>
        url.searchParams.has('tenant_id')
          ? problemResponse({
              status: 422,
              title: 'Unprocessable Entity',
              code: 'invalid',
              type: 'validation-error',
              detail: 'Invalid query parameter.',
              errors: [{ field: 'tenant_id', message: 'must be a valid id' }],
            })
          : jsonResponse({ items: [correction], next_cursor: '', total: 1, total_is_capped: false }),
    });
    renderRoutes(adminRoutes([{ path: 'corrections', element: <AdminCorrectionsRoute /> }]), {
      route: '/admin/corrections?tenant_id=globex',
    });

    const box = await screen.findByRole('textbox', { name: 'Tenant id' });
    await waitFor(() => expect(box).toHaveAccessibleDescription('must be a valid id'));
    expect(box).toHaveAttribute('aria-invalid', 'true');
    // Nothing else is wrong: no alert repeats it without saying which box.
    expect(screen.queryByText('Invalid query parameter.')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(await screen.findByTestId('correction-row')).toBeInTheDocument();
  });
});
