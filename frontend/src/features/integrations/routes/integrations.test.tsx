import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import type { CrmConnection } from '@/lib/crm/get-crm-connection';
import { grantFor, jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { leaveFor } from '@/lib/leave';
import {
  connection,
  me,
  notConnected,
  orgAdminPermissions,
  settings,
  viewerPermissions,
} from '../testing/fixtures';

import { IntegrationsRoute } from './integrations';

vi.mock('@/lib/leave', () => ({ leaveFor: vi.fn() }));

const authorizeUrl =
  'http://127.0.0.1:18590/oauth/authorize?client_id=contacts-dev&code_challenge=abc&code_challenge_method=S256&response_type=code&state=xyz';

function signIn(permissions: string[], current: () => CrmConnection, extra: Parameters<typeof stubApi>[0] = {}) {
  installAuth();
  applyGrant(grantFor());
  return stubApi({
    'GET /me': () => jsonResponse(me(permissions)),
    'GET /crm/connection': () => jsonResponse(current()),
    'GET /crm/settings': () => jsonResponse(settings),
    ...extra,
  });
}

function requests(fetchMock: ReturnType<typeof stubApi>, method: string, path: string) {
  return fetchMock.mock.calls.map(([r]) => r).filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
}

describe('IntegrationsRoute', () => {
  beforeEach(() => {
    vi.mocked(leaveFor).mockClear();
  });

  it('sends an org admin to the CRM consent page when they click Connect', async () => {
    const fetchMock = signIn(orgAdminPermissions, () => notConnected, {
      'POST /crm/connect': () => jsonResponse({ authorize_url: authorizeUrl, expires_at: '2026-11-28T10:10:00Z' }),
    });
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    expect(await screen.findByTestId('crm-status')).toHaveTextContent('Not connected');
    await userEvent.click(screen.getByRole('button', { name: 'Connect' }));

    await vi.waitFor(() => expect(leaveFor).toHaveBeenCalledWith(authorizeUrl));
    expect(requests(fetchMock, 'POST', '/crm/connect')).toHaveLength(1);
    // The button stays busy while the browser leaves.
    expect(screen.getByRole('button', { name: 'Connect' })).toHaveAttribute('data-loading', 'true');
  });

  it('shows why connecting failed when the server has no CRM client', async () => {
    signIn(orgAdminPermissions, () => notConnected, {
      'POST /crm/connect': () =>
        problemResponse({
          status: 503,
          title: 'Service Unavailable',
          type: 'crm-not-configured',
          code: 'unavailable',
          detail: 'The 1CloudAI CRM integration is not configured on this server (CRM_CLIENT_SECRET).',
        }),
    });
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    await userEvent.click(await screen.findByRole('button', { name: 'Connect' }));
    expect(await screen.findByText(/not configured on this server/)).toBeInTheDocument();
    expect(leaveFor).not.toHaveBeenCalled();
  });

  it('shows the connection and the result of the consent round trip', async () => {
    signIn(orgAdminPermissions, () => connection());
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations?crm=connected' });

    expect(await screen.findByTestId('crm-status')).toHaveTextContent('Connected');
    expect(screen.getByTestId('crm-connect-result')).toHaveTextContent('1CloudAI CRM connected');
    expect(screen.getByTestId('crm-account')).toHaveTextContent('Demo CRM (acc_demo)');
    expect(screen.getByTestId('crm-connected-by')).toHaveTextContent('admin@acme.test');
    expect(screen.getByTestId('crm-last-push')).not.toHaveTextContent('None yet');
    expect(screen.getByRole('button', { name: 'Push approved to CRM' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect' })).not.toBeInTheDocument();
  });

  it.each([
    ['access_denied', 'Access was denied on the 1CloudAI CRM consent page'],
    ['other_browser', 'This connection was started in another browser, so nothing was connected.'],
    ['account_in_use', 'This 1CloudAI CRM account is already connected to another organization'],
  ])('explains a failed consent round trip (%s)', async (reason, text) => {
    signIn(orgAdminPermissions, () => notConnected);
    renderWithProviders(<IntegrationsRoute />, { route: `/integrations?crm=error&reason=${reason}` });

    const result = await screen.findByTestId('crm-connect-result');
    expect(result).toHaveTextContent('The CRM was not connected');
    expect(result).toHaveTextContent(text);
  });

  it('warns when the connection needs re-authorization and reconnects through the consent page', async () => {
    const fetchMock = signIn(
      orgAdminPermissions,
      () =>
        connection({
          status: 'needs_reauth',
          status_reason: 'The CRM refused the refresh token (invalid_grant): an org admin must reconnect.',
          paused: 12,
        }),
      { 'POST /crm/connect': () => jsonResponse({ authorize_url: authorizeUrl, expires_at: '2026-11-28T10:10:00Z' }) },
    );
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    const warning = await screen.findByTestId('crm-needs-reauth');
    expect(warning).toHaveTextContent('needs re-authorization');
    expect(warning).toHaveTextContent('invalid_grant');
    expect(warning).toHaveTextContent('12 contacts waiting');
    expect(screen.getByTestId('crm-status')).toHaveTextContent('Needs re-authorization');
    // Nothing can be pushed meanwhile.
    expect(screen.queryByRole('button', { name: 'Push approved to CRM' })).not.toBeInTheDocument();

    await userEvent.click(within(warning).getByRole('button', { name: 'Reconnect' }));
    await vi.waitFor(() => expect(leaveFor).toHaveBeenCalledWith(authorizeUrl));
    expect(requests(fetchMock, 'POST', '/crm/connect')).toHaveLength(1);
  });

  it('asks a viewer to find an org admin instead of offering reconnect', async () => {
    signIn(viewerPermissions, () => connection({ status: 'needs_reauth' }));
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    const warning = await screen.findByTestId('crm-needs-reauth');
    expect(warning).toHaveTextContent('Ask an organization admin to reconnect');
    expect(screen.queryByRole('button', { name: 'Reconnect' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Disconnect' })).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Ownership of Email' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save field ownership' })).not.toBeInTheDocument();
  });

  it('disconnects only after the confirmation, which explains what happens', async () => {
    let current = connection({ queued: 5 });
    const fetchMock = signIn(orgAdminPermissions, () => current, {
      'DELETE /crm/connection': () => {
        current = connection({ status: 'disconnected', status_changed_at: '2026-11-28T11:00:00Z', queued: 0 });
        return new Response(null, { status: 204 });
      },
    });
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    await userEvent.click(await screen.findByRole('button', { name: 'Disconnect' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disconnect the 1CloudAI CRM' });
    // The account's name is isolated from the account id after it, whatever its direction.
    expect(dialog.querySelector('b bdi')).not.toBeNull();
    const consequences = within(dialog).getByTestId('disconnect-consequences');
    expect(consequences).toHaveTextContent('tokens are deleted');
    expect(consequences).toHaveTextContent('Queued pushes are cancelled (5 contacts waiting now)');
    expect(requests(fetchMock, 'DELETE', '/crm/connection')).toHaveLength(0);

    // Cancel leaves everything as it was.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(requests(fetchMock, 'DELETE', '/crm/connection')).toHaveLength(0);

    await userEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Disconnect' }));

    await vi.waitFor(() => expect(screen.getByTestId('crm-status')).toHaveTextContent('Disconnected'));
    expect(requests(fetchMock, 'DELETE', '/crm/connection')).toHaveLength(1);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Connect' })).toBeInTheDocument();
  });

  it('saves the field ownership of every field', async () => {
    const puts: unknown[] = [];
    signIn(orgAdminPermissions, () => connection(), {
      'PUT /crm/settings': async (request) => {
        const body = (await request.json()) as { field_ownership: Record<string, string> };
        puts.push(body);
        return jsonResponse(body);
      },
    });
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    const phone = await screen.findByRole('combobox', { name: 'Ownership of Phone' });
    expect(phone).toHaveValue('Never');
    const save = screen.getByRole('button', { name: 'Save field ownership' });
    expect(save).toBeDisabled();

    await userEvent.click(screen.getByRole('combobox', { name: 'Ownership of Email' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Overwrite' }));
    await userEvent.click(save);

    expect(await screen.findByText('Field ownership saved.')).toBeInTheDocument();
    expect(puts).toEqual([{ field_ownership: { ...settings.field_ownership, email: 'overwrite' } }]);
    expect(screen.getByRole('combobox', { name: 'Ownership of Email' })).toHaveValue('Overwrite');
  });

  it('saves with the version it read, and reloads when another admin saved meanwhile', async () => {
    let current = { field_ownership: { ...settings.field_ownership } };
    let version = '"v1"';
    const ifMatch: (string | null)[] = [];
    const fetchMock = signIn(orgAdminPermissions, () => connection(), {
      'GET /crm/settings': () => jsonResponse(current, { headers: { ETag: version } }),
      'PUT /crm/settings': (request) => {
        ifMatch.push(request.headers.get('If-Match'));
        return problemResponse({
          status: 412,
          title: 'Precondition Failed',
          type: 'precondition-failed',
          code: 'precondition_failed',
          detail: 'Someone changed the CRM settings since you opened them: reload to see their change, then make yours.',
        });
      },
    });
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    await userEvent.click(await screen.findByRole('combobox', { name: 'Ownership of Email' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Overwrite' }));
    // Another admin saves meanwhile: phone overwrite.
    current = { field_ownership: { ...settings.field_ownership, phone: 'overwrite' } };
    version = '"v2"';
    await userEvent.click(screen.getByRole('button', { name: 'Save field ownership' }));

    expect(
      await screen.findByText('Someone changed the CRM settings since you opened them: reload to see their change, then make yours.'),
    ).toBeInTheDocument();
    expect(ifMatch).toEqual(['"v1"']);
    // The form shows what is saved now: the other admin's phone, not this admin's unsaved email.
    await vi.waitFor(() => expect(requests(fetchMock, 'GET', '/crm/settings')).toHaveLength(2));
    expect(await screen.findByRole('combobox', { name: 'Ownership of Phone' })).toHaveValue('Overwrite');
    expect(screen.getByRole('combobox', { name: 'Ownership of Email' })).not.toHaveValue('Overwrite');
  });

  it('shows a refused field next to it', async () => {
    signIn(orgAdminPermissions, () => connection(), {
      'PUT /crm/settings': () =>
        problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          code: 'validation_failed',
          detail: 'The settings have invalid fields.',
          errors: [{ field: 'field_ownership.job_title', message: 'must be one of: fill_if_empty, overwrite, never' }],
        }),
    });
    renderWithProviders(<IntegrationsRoute />, { route: '/integrations' });

    await userEvent.click(await screen.findByRole('combobox', { name: 'Ownership of Job title' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Never' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save field ownership' }));

    expect(await screen.findByText('must be one of: fill_if_empty, overwrite, never')).toBeInTheDocument();
  });
});
