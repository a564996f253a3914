import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { adminRoutes, signInStaff } from '@/testing/staff';
import { jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { AdminOutboxRoute } from './outbox';

const routes = adminRoutes([{ path: 'outbox', element: <AdminOutboxRoute /> }]);

const message = {
  id: 'm-1',
  to: 'ann@example.test',
  subject: 'You are invited to Acme',
  created_at: '2026-11-28T10:00:00Z',
  sent_at: null,
  failed_at: null,
  error: null,
};

describe('admin outbox', () => {
  it('shows a development mail with its links to copy', async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/outbox': () =>
        jsonResponse({
          items: [{ ...message, body: 'Join Acme: http://localhost:8080/invite?token=abc', body_withheld: false }],
          next_cursor: '',
        }),
    });
    renderRoutes(routes, { route: '/admin/outbox' });

    const card = await screen.findByTestId('outbox-message');
    expect(within(card).getByText(/Join Acme:/)).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'http://localhost:8080/invite?token=abc' })).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    // Without SMTP nothing will send it: it is not "Queued".
    expect(within(card).getByTestId('outbox-status')).toHaveTextContent('Kept here (no SMTP)');
    expect(await screen.findByRole('tab', { name: 'Outbox' })).toBeInTheDocument();
  });

  it('says a body was withheld when SMTP delivers the mail, and offers no links', async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/outbox': () => jsonResponse({ items: [{ ...message, body: '', body_withheld: true }], next_cursor: '' }),
    });
    renderRoutes(routes, { route: '/admin/outbox' });

    const card = await screen.findByTestId('outbox-message');
    // Queued, not yet delivered: the note does not claim it was.
    expect(within(card).getByTestId('outbox-status')).toHaveTextContent('Queued');
    expect(within(card).getByTestId('outbox-body-withheld')).toHaveTextContent('Mail goes out by SMTP');
    expect(within(card).getByTestId('outbox-body-withheld')).not.toHaveTextContent(/delivered/i);
    expect(within(card).queryByRole('button', { name: 'Copy link' })).not.toBeInTheDocument();
  });

  it('says a mail whose delivery gave up was not delivered, and why; a retried one is still queued', async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/outbox': () =>
        jsonResponse({
          items: [
            {
              ...message,
              body: '',
              body_withheld: true,
              failed_at: '2026-11-28T21:00:00Z',
              error: 'dial tcp: connection refused',
            },
            { ...message, id: 'm-2', body: '', body_withheld: true, error: 'dial tcp: i/o timeout' },
          ],
          next_cursor: '',
        }),
    });
    renderRoutes(routes, { route: '/admin/outbox' });

    const cards = await screen.findAllByTestId('outbox-message');
    expect(cards).toHaveLength(2);
    const [failed, retrying] = cards as [HTMLElement, HTMLElement];
    expect(within(failed).getByTestId('outbox-status')).toHaveTextContent('Not delivered');
    expect(within(failed).getByTestId('outbox-error')).toHaveTextContent(
      /^Delivery gave up .+: dial tcp: connection refused$/,
    );
    expect(within(retrying).getByTestId('outbox-status')).toHaveTextContent('Queued');
    expect(within(retrying).getByTestId('outbox-error')).toHaveTextContent(
      'Last attempt failed, retrying: dial tcp: i/o timeout',
    );
  });

  it('hides the Outbox tab from read-only support staff', async () => {
    const me = signInStaff('support');
    stubApi({ 'GET /me': () => jsonResponse(me) });
    renderRoutes(adminRoutes([]), { route: '/admin' });

    await screen.findByTestId('me-loaded');
    expect(await screen.findByRole('tab', { name: 'Audit log' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Outbox' })).not.toBeInTheDocument();
  });
});
