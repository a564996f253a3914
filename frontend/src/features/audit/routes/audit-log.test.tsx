import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { AuditLogRoute } from './audit-log';

function event(action: string) {
  return {
    id: `ev-${action}`,
    action,
    actor_id: 'user-1',
    actor_label: 'admin@acme.test',
    actor_type: 'user',
    created_at: '2026-11-28T10:00:00Z',
    data: {},
    ip: '203.0.113.7',
    request_id: 'req-1',
    target_id: 'user-2',
    target_type: 'user',
    tenant_id: 'tenant-1',
  };
}

describe('AuditLogRoute', () => {
  it('keeps the action filter in the URL, so a reload and Back keep it', async () => {
    const asked: string[] = [];
    stubApi({
      'GET /tenant/audit-events': (_, { url }) => {
        const action = url.searchParams.get('action') ?? '';
        asked.push(action);
        return jsonResponse({ items: [event(action.replace('*', 'removed') || 'auth.login')], next_cursor: '' });
      },
    });
    // A reload of a filtered page.
    const { router } = renderWithProviders(<AuditLogRoute />, { route: '/audit?action=member.*' });

    expect(await screen.findByText('member.removed')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Action' })).toHaveValue('member.*');
    expect(asked).toEqual(['member.*']);

    await userEvent.clear(screen.getByRole('textbox', { name: 'Action' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Action' }), 'auth.*{Enter}');
    expect(await screen.findByText('auth.removed')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?action=auth.*');
    expect(screen.getByRole('textbox', { name: 'Action' })).toHaveFocus();

    await act(() => router.navigate(-1));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Action' })).toHaveValue('member.*'));
    expect(await screen.findByText('member.removed')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.getByRole('textbox', { name: 'Action' })).toHaveValue('');
    expect(await screen.findByText('auth.login')).toBeInTheDocument();
  });

  it('says the log holds more than team changes: API keys, imports and the CRM too', async () => {
    stubApi({
      'GET /tenant/audit-events': () =>
        jsonResponse({ items: [event('api_key.created'), event('import.started'), event('crm.push_requested')], next_cursor: '' }),
    });
    renderWithProviders(<AuditLogRoute />, { route: '/audit' });

    expect(await screen.findByText('crm.push_requested')).toBeInTheDocument();
    const description = screen.getByText(/^Who did what in this organization/);
    for (const kind of ['sign-ins', 'API keys', 'imports', 'the CRM connection and pushes', 'package changes']) {
      expect(description).toHaveTextContent(kind);
    }
  });
});

