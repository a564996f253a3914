import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import type { CrmPushDetail } from '@/lib/crm/get-crm-push';
import { starterPackage } from '@/testing/packages';
import { grantFor, jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { PushToCrmButton } from './push-to-crm-button';

function me(permissions: string[]) {
  return {
    user: grantFor().user,
    tenant: { id: 'tenant-1', name: 'Acme', role: 'org_admin', status: 'active' },
    memberships: [],
    permissions,
  };
}

const preview = {
  id: null,
  dry_run: true,
  status: 'preview',
  total: 6,
  to_create: 2,
  to_update: 1,
  skipped: 1,
  rejected: 2,
  reasons: { skipped_duplicate: 1, not_approved: 2 },
  items: [],
  quota_remaining: 100,
};

function detail(overrides: Partial<CrmPushDetail>): CrmPushDetail {
  return {
    id: 'push-1',
    status: 'queued',
    selection: 'contact_ids',
    requested_by: 'user-1',
    requested_by_label: 'admin@acme.test',
    total: 6,
    to_create: 2,
    to_update: 1,
    skipped: 1,
    rejected: 2,
    queued: 3,
    paused: 0,
    created: 0,
    updated: 0,
    failed: 0,
    deleted_in_crm: 0,
    cancelled: 0,
    created_at: '2026-11-28T09:00:00Z',
    updated_at: '2026-11-28T09:00:00Z',
    finished_at: null,
    items: [],
    next_items_cursor: '',
    ...overrides,
  };
}

function signIn(permissions: string[]) {
  installAuth();
  applyGrant(grantFor());
  return { 'GET /me': () => jsonResponse(me(permissions)) };
}

describe('PushToCrmButton', () => {
  it('does not offer to push more picked contacts than one push takes, and says what to do instead', async () => {
    stubApi({ ...signIn(['crm:read', 'crm:push']) });
    const picked = Array.from({ length: 1001 }, (_, i) => `c${i}`);
    renderWithProviders(<PushToCrmButton contactIds={picked} />);

    expect(await screen.findByRole('button', { name: 'Push to CRM' })).toBeDisabled();
    expect(screen.getByTestId('push-to-crm-too-many')).toHaveTextContent('up to 1,000 picked contacts');
  });

  it('previews the counts with a dry run, then pushes and follows the progress until done', async () => {
    const bodies: { dryRun: string | null; body: unknown }[] = [];
    // Each read of the push gets further: queued, then half way, then done.
    const progress = [
      detail({ status: 'running', queued: 2, created: 1 }),
      detail({ status: 'completed', queued: 0, created: 2, updated: 1, finished_at: '2026-11-28T09:00:03Z' }),
    ];
    const fetchMock = stubApi({
      ...signIn(['crm:read', 'crm:push']),
      'POST /crm/pushes': async (request) => {
        const dryRun = new URL(request.url).searchParams.get('dry_run');
        bodies.push({ dryRun, body: await request.json() });
        return dryRun === 'true'
          ? jsonResponse(preview)
          : jsonResponse({ ...preview, id: 'push-1', dry_run: false, status: 'queued' }, { status: 202 });
      },
      'GET /crm/pushes/:id': () => jsonResponse(progress.length > 1 ? progress.shift() : progress[0]),
    });
    const onSettled = vi.fn();
    renderWithProviders(<PushToCrmButton contactIds={['c1', 'c2', 'c3', 'c4', 'c5', 'c6']} onSettled={onSettled} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Push to CRM' }));
    const dialog = await screen.findByRole('dialog', { name: 'Push 6 selected contacts to 1CloudAI CRM' });

    // The preview: nothing is queued yet.
    expect(await within(dialog).findByTestId('preview-to-create')).toHaveTextContent('2');
    expect(within(dialog).getByTestId('preview-to-update')).toHaveTextContent('1');
    expect(within(dialog).getByTestId('preview-skipped')).toHaveTextContent('1');
    expect(within(dialog).getByTestId('preview-rejected')).toHaveTextContent('2');
    const reasons = within(dialog).getByTestId('preview-reasons');
    // Says why without calling it a duplicate: the page promises a push never makes one.
    expect(reasons).toHaveTextContent('Unchanged since the last push: 1');
    expect(reasons).not.toHaveTextContent(/duplicate/i);
    expect(reasons).toHaveTextContent('Not approved yet: 2');
    expect(bodies).toEqual([{ dryRun: 'true', body: { contact_ids: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'] } }]);
    expect(fetchMock.mock.calls.some(([r]) => r.method === 'GET' && r.url.includes('/crm/pushes/'))).toBe(false);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Push 3 contacts' }));

    // The real push, then its progress read until every contact is settled.
    expect(await within(dialog).findByTestId('push-progress')).toBeInTheDocument();
    // The Push button is gone: focus moves to the dialog's own way out, not to the page behind it
    // (a keyboard or screen reader user would be left on <body>).
    expect(within(dialog).getByRole('button', { name: 'Close (the push goes on)' })).toHaveFocus();
    expect(bodies[1]).toEqual({ dryRun: null, body: { contact_ids: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'] } });
    expect(await within(dialog).findByText('1 of 3 sent')).toBeInTheDocument();
    expect(within(dialog).getByTestId('push-status')).toHaveTextContent('Running');
    expect(onSettled).not.toHaveBeenCalled();
    // The end is read out by a status region that is there, empty, while the push runs: a region
    // added together with its text is not reliably announced.
    const announcer = within(dialog).getByRole('status');
    expect(announcer).toHaveTextContent(/^$/);
    expect(await within(dialog).findByTestId('push-done', {}, { timeout: 4_000 })).toHaveTextContent(
      'Done: 3 contacts pushed to the CRM.',
    );
    expect(within(dialog).getByRole('status')).toBe(announcer);
    expect(announcer).toHaveTextContent('Done: 3 contacts pushed to the CRM.');
    expect(within(dialog).getByTestId('push-progress-text')).toHaveTextContent('3 of 3 sent');
    expect(within(dialog).getByTestId('push-progress-counts')).toHaveTextContent('2 created · 1 updated · 0 failed');
    expect(within(dialog).getByRole('button', { name: 'Done' })).toHaveFocus();
    // The page is told once, so that it reads its contacts' CRM status again.
    expect(onSettled).toHaveBeenCalledTimes(1);
    expect(within(dialog).getByRole('link', { name: 'View in push history' })).toHaveAttribute(
      'href',
      '/integrations/pushes/push-1',
    );
    const progressReads = fetchMock.mock.calls.filter(([r]) => r.method === 'GET' && r.url.includes('/crm/pushes/push-1'));
    expect(progressReads.length).toBeGreaterThanOrEqual(2);
    expect(new URL(progressReads[0]![0].url).searchParams.get('items_limit')).toBe('1');
  });

  function usage(remaining: number) {
    return {
      package: starterPackage,
      subscription: null,
      downgraded: false,
      seats: { limit: 10, members: 3, pending_invitations: 0, remaining: 7 },
      quotas: [
        { metric: 'crm_pushes', limit: 5000, used: 5000 - remaining, remaining, reset_at: '2026-12-01T00:00:00Z' },
      ],
      api_keys: 0,
    };
  }

  it.each([
    { who: 'an org admin', permissions: ['crm:read', 'crm:push', 'usage:read', 'billing:manage'], askAdmin: false },
    { who: 'a member', permissions: ['crm:read', 'crm:push', 'usage:read'], askAdmin: true },
  ])('tells $who when the CRM pushes left do not cover the push, when they renew, and where more are', async ({ permissions, askAdmin }) => {
    stubApi({
      ...signIn(permissions),
      'POST /crm/pushes': () => jsonResponse({ ...preview, quota_remaining: 1 }),
      'GET /tenant/usage': () => jsonResponse(usage(1)),
    });
    renderWithProviders(<PushToCrmButton contactIds={['c1', 'c2', 'c3']} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Push to CRM' }));
    const dialog = await screen.findByRole('dialog');
    const alert = await within(dialog).findByTestId('push-over-quota');
    expect(alert).toHaveTextContent('Only 1 of this month’s 5,000 CRM pushes are left: the push would be refused.');
    expect(await within(alert).findByText(/The quota renews on Dec 1, 2026/)).toBeInTheDocument();
    expect(within(alert).getByRole('link', { name: 'Compare packages' })).toHaveAttribute('href', '/billing');
    expect(within(alert).queryByTestId('ask-org-admin') !== null).toBe(askAdmin);
    expect(within(dialog).getByRole('button', { name: 'Push 3 contacts' })).toBeDisabled();
  });

  it('says the CRM pushes ran out in plain words when another push took them after the preview', async () => {
    let remaining = 100;
    stubApi({
      ...signIn(['crm:read', 'crm:push', 'usage:read', 'billing:manage']),
      'POST /crm/pushes': (request) => {
        if (new URL(request.url).searchParams.get('dry_run') === 'true') {
          return jsonResponse({ ...preview, quota_remaining: remaining });
        }
        remaining = 0;
        return problemResponse({
          status: 429,
          type: 'quota-exceeded',
          code: 'rate_limited',
          title: 'Too Many Requests',
          detail: 'The monthly crm_pushes quota is used up: 5000 of 5000 used, 3 requested; it resets at 2026-12-01T00:00:00Z.',
        });
      },
      'GET /tenant/usage': () => jsonResponse(usage(remaining)),
    });
    renderWithProviders(<PushToCrmButton contactIds={['c1', 'c2', 'c3']} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Push to CRM' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Push 3 contacts' }));

    const alert = await within(dialog).findByTestId('push-over-quota');
    expect(await within(alert).findByText(/Only 0 of this month’s 5,000 CRM pushes are left/)).toBeInTheDocument();
    expect(within(alert).getByText(/The quota renews on Dec 1, 2026/)).toBeInTheDocument();
    expect(within(dialog).queryByText(/crm_pushes/)).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Push 3 contacts' })).toBeDisabled());
  });

  it('pushes every approved contact not pushed yet without a selection', async () => {
    const bodies: unknown[] = [];
    stubApi({
      ...signIn(['crm:read', 'crm:push']),
      'POST /crm/pushes': async (request) => {
        bodies.push(await request.json());
        return jsonResponse({ ...preview, total: 0, to_create: 0, to_update: 0, skipped: 0, rejected: 0, reasons: {} });
      },
    });
    renderWithProviders(<PushToCrmButton />);

    await userEvent.click(await screen.findByRole('button', { name: 'Push approved to CRM' }));
    const dialog = await screen.findByRole('dialog', { name: 'Push approved contacts to 1CloudAI CRM' });
    expect(await within(dialog).findByTestId('push-nothing')).toHaveTextContent(
      'No approved contact is waiting for the CRM',
    );
    // No "Of 0 contacts, the CRM will get:" over a grid of zeros.
    expect(within(dialog).queryByText(/Of 0 contacts/)).not.toBeInTheDocument();
    expect(within(dialog).queryByTestId('preview-to-create')).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Push' })).toBeDisabled();
    expect(bodies).toEqual([{ all_approved_not_pushed: true }]);
  });

  it.each([
    { who: 'an org admin', permissions: ['crm:read', 'crm:push', 'saved:approve'], text: 'approve saved contacts first' },
    { who: 'a member, who may not approve', permissions: ['crm:read', 'crm:push'], text: 'an org admin approves saved contacts for it' },
  ])('tells $who how contacts get approved when none waits', async ({ permissions, text }) => {
    stubApi({
      ...signIn(permissions),
      'POST /crm/pushes': () => jsonResponse({ ...preview, total: 0, to_create: 0, to_update: 0, skipped: 0, rejected: 0, reasons: {} }),
    });
    renderWithProviders(<PushToCrmButton />);

    await userEvent.click(await screen.findByRole('button', { name: 'Push approved to CRM' }));
    const dialog = await screen.findByRole('dialog', { name: 'Push approved contacts to 1CloudAI CRM' });
    await vi.waitFor(() => expect(within(dialog).getByTestId('push-nothing')).toHaveTextContent(text));
  });

  it('leads an org admin with nothing approved to the saved contacts waiting for approval, closing the dialog', async () => {
    stubApi({
      ...signIn(['crm:read', 'crm:push', 'saved:approve']),
      'POST /crm/pushes': () => jsonResponse({ ...preview, total: 0, to_create: 0, to_update: 0, skipped: 0, rejected: 0, reasons: {} }),
    });
    renderWithProviders(<PushToCrmButton />);

    await userEvent.click(await screen.findByRole('button', { name: 'Push approved to CRM' }));
    const dialog = await screen.findByRole('dialog', { name: 'Push approved contacts to 1CloudAI CRM' });
    const link = await within(dialog).findByRole('link', { name: 'approve saved contacts' });
    expect(link).toHaveAttribute('href', '/saved?status=saved');
    await userEvent.click(link);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('points to Integrations when the CRM is not connected', async () => {
    stubApi({
      ...signIn(['crm:read', 'crm:push']),
      'POST /crm/pushes': () =>
        problemResponse({
          status: 409,
          title: 'Conflict',
          type: 'crm-not-connected',
          code: 'conflict',
          detail: 'Connect the 1CloudAI CRM first (Integrations).',
        }),
    });
    renderWithProviders(<PushToCrmButton contactIds={['c1']} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Push to CRM' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('Connect the 1CloudAI CRM first (Integrations).')).toBeInTheDocument();
    expect(within(dialog).getByRole('link', { name: 'Open Integrations' })).toHaveAttribute('href', '/integrations');
    expect(within(dialog).getByRole('button', { name: 'Push' })).toBeDisabled();
  });

  it('is disabled, with a link to Integrations, while the CRM is not connected', async () => {
    const fetchMock = stubApi({
      ...signIn(['crm:read', 'crm:push', 'crm:manage']),
      'GET /crm/connection': () => jsonResponse({ status: 'not_connected', pending_contacts: 3 }),
    });
    renderWithProviders(<PushToCrmButton contactIds={['c1']} />);

    const hint = await screen.findByRole('link', { name: 'Connect the CRM first' });
    expect(hint).toHaveAttribute('href', '/integrations');
    const button = screen.getByRole('button', { name: 'Push to CRM' });
    expect(button).toBeDisabled();
    await userEvent.click(button);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([r]) => r.url.includes('/crm/pushes'))).toBe(false);
  });

  it('tells a member, who may push but not connect, to ask an org admin instead of linking to a connect they cannot do', async () => {
    stubApi({
      ...signIn(['crm:read', 'crm:push']),
      'GET /crm/connection': () => jsonResponse({ status: 'not_connected', pending_contacts: 3 }),
    });
    renderWithProviders(<PushToCrmButton contactIds={['c1']} />);

    expect(await screen.findByText('An org admin has to connect the CRM first')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /connect the CRM/i })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Push to CRM' })).toBeDisabled();
  });

  it('is not offered without crm:push', async () => {
    const fetchMock = stubApi(signIn(['crm:read']));
    renderWithProviders(<PushToCrmButton contactIds={['c1']} />);

    await vi.waitFor(() => expect(fetchMock.mock.calls.some(([r]) => r.url.endsWith('/me'))).toBe(true));
    expect(screen.queryByRole('button', { name: 'Push to CRM' })).not.toBeInTheDocument();
  });
});
