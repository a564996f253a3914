import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import type { CrmPushItem } from '@/lib/crm/get-crm-push';
import { mediaQueryList } from '@/testing/media';
import { grantFor, jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { me, push, pushDetail, viewerPermissions } from '../testing/fixtures';

import { CrmPushRoute } from './push';
import { CrmPushesRoute } from './pushes';

const routes = [
  { path: '/integrations/pushes', element: <CrmPushesRoute /> },
  { path: '/integrations/pushes/:pushId', element: <CrmPushRoute /> },
];

/** A contact the CRM took on its second attempt, and one it refused. */
const pushItems: CrmPushItem[] = [
  {
    contact_id: 'c1',
    contact_name: 'Jane Doe',
    email: 'jane@acme.test',
    action: 'create',
    reason: '',
    status: 'pushed',
    crm_result: 'created',
    crm_record_id: 'c_9001',
    error_code: '',
    error_message: '',
    updated_at: '2026-11-28T09:00:03Z',
    attempts: [
      {
        attempt: 1,
        request_id: 'req-1',
        at: '2026-11-28T09:00:01Z',
        http_status: 429,
        outcome: 'rate_limited',
        error_code: 'RATE_LIMITED',
        error_message: 'Too many requests',
        crm_record_id: '',
        answer: null,
        duration_ms: 12,
      },
      {
        attempt: 2,
        request_id: 'req-2',
        at: '2026-11-28T09:00:03Z',
        http_status: 200,
        outcome: 'created',
        error_code: '',
        error_message: '',
        crm_record_id: 'c_9001',
        answer: { status: 'created', id: 'c_9001' } as unknown as Record<string, never>,
        duration_ms: 40,
      },
    ],
  },
  {
    contact_id: 'c2',
    contact_name: 'John Roe',
    email: 'john@acme.test',
    action: 'create',
    reason: '',
    status: 'failed',
    crm_result: '',
    crm_record_id: '',
    error_code: 'EMAIL_CONFLICT',
    error_message: 'Email used by contact c_77',
    updated_at: '2026-11-28T09:00:03Z',
    attempts: [],
  },
];

function signIn(extra: Parameters<typeof stubApi>[0]) {
  installAuth();
  applyGrant(grantFor());
  return stubApi({ 'GET /me': () => jsonResponse(me(viewerPermissions, 'viewer')), ...extra });
}

describe('CrmPushesRoute', () => {
  it('filters the history by status and date range, and loads more with the cursor', async () => {
    const queries: URLSearchParams[] = [];
    const fetchMock = signIn({
      'GET /crm/pushes': (_request, { url }) => {
        queries.push(url.searchParams);
        const status = url.searchParams.get('status');
        if (url.searchParams.get('cursor') === 'page-2') {
          return jsonResponse({ items: [push({ id: 'push-old', created_at: '2026-11-02T09:00:00Z' })], next_cursor: '' });
        }
        if (status === 'completed_with_errors') {
          return jsonResponse({
            items: [push({ id: 'push-bad', status: 'completed_with_errors', created: 1, failed: 1 })],
            next_cursor: url.searchParams.get('from') ? '' : 'page-2',
          });
        }
        return jsonResponse({
          items: [push({ id: 'push-1' }), push({ id: 'push-2', status: 'running', created: 0, queued: 2, finished_at: null })],
          next_cursor: '',
        });
      },
    });
    renderRoutes(routes, { route: '/integrations/pushes' });

    let rows = await screen.findAllByTestId('push-row');
    expect(rows.map((r) => r.getAttribute('data-push-id'))).toEqual(['push-1', 'push-2']);
    expect(within(rows[0]!).getByTestId('push-pushed')).toHaveTextContent('2');
    expect(within(rows[0]!).getByTestId('push-status')).toHaveTextContent('Completed');
    expect(queries[0]!.get('status')).toBeNull();

    // Status: a new first page with the filter.
    await userEvent.click(screen.getByRole('combobox', { name: 'Status' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Completed with errors' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('push-row').map((r) => r.getAttribute('data-push-id'))).toEqual(['push-bad']));
    const byStatus = queries.at(-1)!;
    expect(byStatus.get('status')).toBe('completed_with_errors');
    expect(byStatus.get('cursor')).toBeNull();

    // Load more follows the cursor, with the same filter.
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('push-row')).toHaveLength(2));
    expect(queries.at(-1)!.get('cursor')).toBe('page-2');
    expect(queries.at(-1)!.get('status')).toBe('completed_with_errors');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    // Date range: from the start of the first day to the end of the last (exclusive bound).
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-30' } });
    await vi.waitFor(() => expect(queries.at(-1)!.get('to')).not.toBeNull());
    const ranged = queries.at(-1)!;
    expect(ranged.get('status')).toBe('completed_with_errors');
    expect(ranged.get('from')).toBe(new Date(2026, 10, 1).toISOString());
    expect(ranged.get('to')).toBe(new Date(2026, 11, 1).toISOString());
    rows = await screen.findAllByTestId('push-row');
    expect(rows).toHaveLength(1);

    // Clearing goes back to everything.
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('push-row').map((r) => r.getAttribute('data-push-id'))).toEqual(['push-1', 'push-2']));
    expect(fetchMock.mock.calls.every(([r]) => r.method === 'GET')).toBe(true);
  });

  it('does not tell a viewer, who cannot push, to push', async () => {
    signIn({ 'GET /crm/pushes': () => jsonResponse({ items: [], next_cursor: '' }) });
    renderRoutes(routes, { route: '/integrations/pushes' });

    expect(await screen.findByTestId('pushes-empty')).toHaveTextContent(
      'No pushes yet. Members and org admins push approved contacts from the Integrations page.',
    );
  });

  it('says when no push matches', async () => {
    signIn({ 'GET /crm/pushes': () => jsonResponse({ items: [], next_cursor: '' }) });
    renderRoutes(routes, { route: '/integrations/pushes?status=cancelled' });

    expect(await screen.findByTestId('pushes-empty')).toHaveTextContent('No pushes match these filters.');
    expect(screen.getByRole('combobox', { name: 'Status' })).toHaveValue('Cancelled');
  });

  it('opens a push with each contact, every attempt and the CRM answer', async () => {
    signIn({
      'GET /crm/pushes': () => jsonResponse({ items: [push({ status: 'completed_with_errors', created: 1, failed: 1 })], next_cursor: '' }),
      'GET /crm/pushes/:id': () =>
        jsonResponse(
          pushDetail({
            status: 'completed_with_errors',
            created: 1,
            failed: 1,
            items: pushItems,
          }),
        ),
    });
    renderRoutes(routes, { route: '/integrations/pushes' });

    await userEvent.click(await screen.findByRole('link', { name: /Nov 28, 2026/ }));

    const items = await screen.findAllByTestId('push-item');
    expect(items).toHaveLength(2);
    expect(screen.getByTestId('summary-created')).toHaveTextContent('1');
    expect(screen.getByTestId('summary-failed')).toHaveTextContent('1');
    expect(within(items[0]!).getByTestId('push-item-status')).toHaveTextContent('Pushed');
    expect(within(items[0]!).getByTestId('push-item-crm')).toHaveTextContent('CRM record c_9001 (created)');
    const attempts = within(items[0]!).getAllByTestId('push-attempt');
    expect(attempts.map((a) => a.getAttribute('data-outcome'))).toEqual(['rate_limited', 'created']);
    expect(attempts[0]).toHaveTextContent('RATE_LIMITED');
    expect(within(attempts[1]!).getByTestId('push-attempt-answer')).toHaveTextContent('"id": "c_9001"');
    expect(within(items[1]!).getByTestId('push-item-error')).toHaveTextContent('EMAIL_CONFLICT Email used by contact c_77');
  });

  it('on a phone, shows a card per push with its status and counts, and each attempt at a contact as a card', async () => {
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    signIn({
      'GET /crm/pushes': () => jsonResponse({ items: [push({ status: 'completed_with_errors', created: 1, failed: 1, deleted_in_crm: 1 })], next_cursor: '' }),
      'GET /crm/pushes/:id': () => jsonResponse(pushDetail({ status: 'completed_with_errors', created: 1, failed: 1, items: pushItems })),
    });
    renderRoutes(routes, { route: '/integrations/pushes' });

    const card = await screen.findByRole('article', { name: /^Push of Nov 28, 2026/ });
    expect(screen.queryByTestId('crm-pushes')).not.toBeInTheDocument();
    expect(card).toHaveAttribute('data-push-id', 'push-1');
    expect(within(card).getAllByRole('term').map((dt) => dt.textContent)).toEqual([
      'Status',
      'Contacts',
      'Total',
      'Pushed',
      'Skipped',
      'Rejected',
      'Failed',
      'Requested by',
    ]);
    expect(within(card).getByTestId('push-status')).toHaveTextContent('Completed with errors');
    expect(within(card).getByTestId('push-total')).toHaveTextContent('3');
    expect(within(card).getByTestId('push-pushed')).toHaveTextContent('1');
    expect(within(card).getByTestId('push-skipped')).toHaveTextContent('1');
    expect(within(card).getByTestId('push-failed')).toHaveTextContent('2');
    expect(within(card).getByText('admin@acme.test')).toBeInTheDocument();

    await userEvent.click(within(card).getByRole('link', { name: /Nov 28, 2026/ }));

    const [jane] = await screen.findAllByTestId('push-item');
    expect(within(jane!).queryByRole('table')).not.toBeInTheDocument();
    const attempts = within(jane!).getAllByRole('article', { name: /^Attempt / });
    expect(attempts.map((a) => [a.getAttribute('aria-label'), a.getAttribute('data-outcome')])).toEqual([
      ['Attempt 1', 'rate_limited'],
      ['Attempt 2', 'created'],
    ]);
    expect(within(attempts[0]!).getAllByRole('term').map((dt) => dt.textContent)).toEqual(['Time', 'HTTP', 'Outcome', 'CRM answer', 'Duration']);
    expect(within(attempts[0]!).getByText('429')).toBeInTheDocument();
    expect(within(attempts[0]!).getByText('RATE_LIMITED')).toBeInTheDocument();
    expect(within(attempts[0]!).getByText('12 ms')).toBeInTheDocument();
    expect(within(attempts[1]!).getByText('created')).toBeInTheDocument();
    expect(within(attempts[1]!).getByTestId('push-attempt-answer')).toHaveTextContent('"id": "c_9001"');
  });
});
