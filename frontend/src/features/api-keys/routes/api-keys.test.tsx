import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { appRoutes } from '@/app/routes';
import { applyGrant, installAuth } from '@/lib/auth/session';
import { mediaQueryList } from '@/testing/media';
import { grantFor, jsonResponse, problemResponse, renderRoutes, renderWithProviders, stubApi } from '@/testing/test-utils';

import { ApiKeysRoute } from './api-keys';

const adminPermissions = ['members:read', 'members:manage', 'usage:read', 'audit:read', 'api_keys:manage'];

function me(role: 'org_admin' | 'member', permissions: string[]) {
  return {
    user: grantFor().user,
    tenant: { id: 'tenant-1', name: 'Acme', role, status: 'active' },
    memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme', role, status: 'active' }],
    permissions,
  };
}

function usage(apiAccess: boolean) {
  const name = apiAccess ? 'Starter' : 'Free';
  return {
    package: { code: name.toLowerCase(), name, api_access: apiAccess, api_requests_per_minute: apiAccess ? 120 : 0 },
    downgraded: false,
    seats: { limit: 10, members: 1, pending_invitations: 0, remaining: 9 },
    quotas: [],
  };
}

type Key = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  status: 'active' | 'expired' | 'revoked';
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  rotated_from_id?: string;
  secret?: string;
};

function key(overrides: Partial<Key> = {}): Key {
  return {
    id: 'key-1',
    name: 'CRM sync',
    prefix: 'ock_4fGh01Kz',
    scopes: ['contacts:read', 'saved:write'],
    status: 'active',
    created_by: 'admin@acme.test',
    created_at: '2026-11-01T10:00:00Z',
    expires_at: null,
    revoked_at: null,
    last_used_at: '2026-11-28T09:00:00Z',
    ...overrides,
  };
}

/** 30 days of requests: `last` on the newest day, 2 on the one before, 0 otherwise. */
function keyUsage(id: string, last = 5) {
  const days = Array.from({ length: 30 }, (_, i) => ({
    day: `2026-11-${String(i + 1).padStart(2, '0')}`,
    requests: i === 29 ? last : i === 28 ? 2 : 0,
  }));
  return { key_id: id, days, total: last + 2 };
}

const secret = 'ock_Q2v8YbX1nS5pL0rT7wK3mZ9aD4fH6jE2uC8iO1gB5y3x0AbCdE';

function signInAsAdmin() {
  installAuth();
  applyGrant(grantFor());
}

function dialog(name: string) {
  return within(screen.getByRole('dialog', { name }));
}

/** Stubs the page's reads; `keys` is read on every list request, so tests may change it. */
function stubPage(state: { keys: Key[]; apiAccess?: boolean }, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me('org_admin', adminPermissions)),
    'GET /tenant/usage': () => jsonResponse(usage(state.apiAccess ?? true)),
    'GET /api-keys': () => jsonResponse({ items: state.keys, next_cursor: '' }),
    'GET /api-keys/:id/usage': (_request, { path }) => jsonResponse(keyUsage(path.split('/')[2]!)),
    ...extra,
  });
}

describe('ApiKeysRoute', () => {
  it('lists each key with its scopes, dates, status and a 30-day usage sparkline', async () => {
    signInAsAdmin();
    stubPage({
      keys: [
        key(),
        key({ id: 'key-0', name: 'Old export', prefix: 'ock_ZZold000', scopes: ['usage:read'], status: 'revoked', revoked_at: '2026-11-20T10:00:00Z', last_used_at: null }),
      ],
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    const rows = await screen.findAllByTestId('api-key-row');
    expect(rows).toHaveLength(2);
    const [active, revoked] = rows as [HTMLElement, HTMLElement];
    expect(within(active).getByTestId('api-key-prefix')).toHaveTextContent('ock_4fGh01Kz');
    expect(within(active).getAllByTestId('api-key-scope').map((b) => b.textContent)).toEqual(['contacts:read', 'saved:write']);
    expect(active).toHaveTextContent('admin@acme.test');
    expect(active).toHaveTextContent('Nov 1, 2026');
    expect(within(active).getByTestId('api-key-status')).toHaveTextContent('Active');
    expect(await within(active).findByTestId('api-key-usage-total')).toHaveTextContent('7');
    expect(within(active).getByRole('img', { name: /Requests per day of CRM sync, last 30 days: 7 in total/ })).toHaveAttribute(
      'data-points',
      '30',
    );
    expect(within(active).getByRole('button', { name: 'Rotate CRM sync (ock_4fGh01Kz)' })).toBeInTheDocument();
    // The expiry sits with the status and the last use with the usage (two columns fewer, so the
    // actions fit beside the navigation at 1280px).
    expect(within(active).getByTestId('api-key-expires')).toHaveTextContent('no expiry');
    expect(active).toHaveTextContent(/last used Nov 28, 2026/);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Prefix',
      'Scopes',
      'Created',
      'Status',
      'Use, last 30 days',
      // Visually hidden: the buttons below it say what they do.
      'Actions',
    ]);

    expect(within(revoked).getByTestId('api-key-status')).toHaveTextContent('Revoked');
    expect(within(revoked).getByTestId('api-key-last-used')).toHaveTextContent('Never used');
    expect(within(revoked).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it('on a phone, shows a card per key with each value labelled and the buttons on the card, no table', async () => {
    // Below Mantine's `sm` (375 px): the 820px table put the status and the buttons past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    signInAsAdmin();
    stubPage({
      keys: [
        key(),
        key({ id: 'key-0', name: 'Old export', prefix: 'ock_ZZold000', scopes: ['usage:read'], status: 'revoked', revoked_at: '2026-11-20T10:00:00Z', last_used_at: null }),
      ],
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    const active = await screen.findByRole('article', { name: 'CRM sync (ock_4fGh01Kz)' });
    expect(screen.queryByTestId('api-keys-table')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('api-key-row')).toHaveLength(2);
    const value = (label: string) => within(active).getByText(label, { selector: 'dt' }).nextElementSibling;
    expect(within(active).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual([
      'Prefix',
      'Scopes',
      'Created',
      'Status',
      'Use, last 30 days',
    ]);
    expect(value('Prefix')).toHaveTextContent('ock_4fGh01Kz');
    expect(value('Status')).toHaveTextContent(/Active\s*no expiry/);
    expect(value('Created')).toHaveTextContent('Nov 1, 2026by admin@acme.test');
    expect(await within(active).findByTestId('api-key-usage-total')).toHaveTextContent('7');
    expect(within(active).getByRole('button', { name: 'Rotate CRM sync (ock_4fGh01Kz)' })).toBeInTheDocument();
    expect(within(active).getByRole('button', { name: 'Revoke CRM sync (ock_4fGh01Kz)' })).toBeInTheDocument();

    const revoked = screen.getByRole('article', { name: 'Old export (ock_ZZold000)' });
    expect(within(revoked).getByTestId('api-key-status')).toHaveTextContent('Revoked');
    expect(within(revoked).queryByRole('button')).not.toBeInTheDocument();
  });

  it('at the cap of 500 keys, shows 25 at a time and asks only for their usage', async () => {
    // Every row asked for its usage and drew its chart: 500 requests and about 20,000 elements
    // before the page settled.
    signInAsAdmin();
    const keys = Array.from({ length: 500 }, (_, i) =>
      key({ id: `key-${i}`, name: `Key ${i}`, prefix: `ock_${String(i).padStart(8, '0')}`, status: i < 100 ? 'active' : 'revoked' }),
    );
    const usageAsked: string[] = [];
    stubPage(
      { keys },
      {
        'GET /api-keys/:id/usage': (_request, { path }) => {
          const id = path.split('/')[2]!;
          usageAsked.push(id);
          return jsonResponse(keyUsage(id));
        },
      },
    );
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    expect(await screen.findAllByTestId('api-key-row')).toHaveLength(25);
    await waitFor(() => expect(screen.getAllByTestId('api-key-usage')).toHaveLength(25));
    expect(usageAsked).toHaveLength(25);
    expect(usageAsked).toEqual(keys.slice(0, 25).map((k) => k.id));

    await userEvent.click(screen.getByRole('button', { name: 'Show 25 more of 475' }));
    expect(screen.getAllByTestId('api-key-row')).toHaveLength(50);
    await waitFor(() => expect(usageAsked).toHaveLength(50));
    expect(screen.getAllByTestId('api-key-row')[49]).toHaveAttribute('data-key-id', 'key-49');
  });

  it('shows the last few keys with a button naming how many are left', async () => {
    signInAsAdmin();
    const keys = Array.from({ length: 30 }, (_, i) => key({ id: `key-${i}`, name: `Key ${i}`, prefix: `ock_${String(i).padStart(8, '0')}` }));
    stubPage({ keys });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    expect(await screen.findAllByTestId('api-key-row')).toHaveLength(25);
    await userEvent.click(screen.getByRole('button', { name: 'Show 5 more of 5' }));
    expect(screen.getAllByTestId('api-key-row')).toHaveLength(30);
    expect(screen.queryByTestId('api-keys-more')).not.toBeInTheDocument();
  });

  it('shows the new secret once, and only until the user confirms they stored it', async () => {
    signInAsAdmin();
    const user = userEvent.setup();
    const state = { keys: [] as Key[] };
    const posts: unknown[] = [];
    stubPage(state, {
      'POST /api-keys': async (request) => {
        const body = (await request.json()) as { name: string; scopes: string[] };
        posts.push(body);
        const created = key({ id: 'key-2', name: body.name, prefix: secret.slice(0, 12), scopes: body.scopes, last_used_at: null });
        state.keys = [created];
        return jsonResponse({ ...created, secret, secret_notice: 'Store this secret now.' }, { status: 201 });
      },
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });
    expect(await screen.findByTestId('api-keys-empty')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create key' }));
    const form = dialog('Create an API key');
    await user.type(form.getByRole('textbox', { name: /^Name/ }), 'Warehouse');
    // Ticked in another order than listed: sent in the list's order.
    await user.click(form.getByRole('checkbox', { name: 'usage:read' }));
    await user.click(form.getByRole('checkbox', { name: 'contacts:read' }));
    expect(form.getByText('Read the package, its limits and this month’s usage.')).toBeInTheDocument();
    await user.click(form.getByRole('button', { name: 'Create key' }));

    const shown = await screen.findByTestId('api-key-secret');
    expect(shown).toHaveTextContent(secret);
    expect(posts).toEqual([{ name: 'Warehouse', scopes: ['contacts:read', 'usage:read'] }]);
    expect(screen.queryByRole('dialog', { name: 'Create an API key' })).not.toBeInTheDocument();
    expect(screen.getByTestId('secret-warning')).toHaveTextContent('it will not be shown again');

    await user.click(screen.getByRole('button', { name: 'Copy secret' }));
    expect(await navigator.clipboard.readText()).toBe(secret);

    // Not dismissable before the confirmation: no close button, Escape does nothing, Done is off.
    const secretDialog = dialog('Your API key secret');
    expect(secretDialog.queryByRole('button', { name: /close/i })).not.toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.getByTestId('api-key-secret')).toBeInTheDocument();
    await user.click(document.querySelector('.mantine-Modal-overlay')!);
    expect(screen.getByTestId('api-key-secret')).toBeInTheDocument();
    const done = secretDialog.getByRole('button', { name: 'Done' });
    expect(done).toBeDisabled();

    await user.click(secretDialog.getByRole('checkbox', { name: 'I have copied the secret and stored it in a safe place' }));
    await user.click(done);

    expect(screen.queryByTestId('api-key-secret')).not.toBeInTheDocument();
    // Keyboard users land back on the button that started it, not at the top of the page.
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Create key' })).toHaveFocus());
    expect(document.body).not.toHaveTextContent(secret);
    // The list shows the new key, by its prefix only.
    const row = await screen.findByTestId('api-key-row');
    expect(within(row).getByTestId('api-key-prefix')).toHaveTextContent(secret.slice(0, 12));
    // Opening the form again starts empty and shows no secret.
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(dialog('Create an API key').getByRole('textbox', { name: /^Name/ })).toHaveValue('');
    expect(document.body).not.toHaveTextContent(secret);
  });

  it('asks for at least one scope before sending, and shows the server’s field errors', async () => {
    signInAsAdmin();
    const fetchMock = stubPage({ keys: [] }, {
      'POST /api-keys': () =>
        problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          type: 'validation-error',
          code: 'invalid',
          detail: 'The request has invalid fields.',
          errors: [{ field: 'name', message: 'is required' }],
        }),
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    await userEvent.click(await screen.findByRole('button', { name: 'Create key' }));
    const form = dialog('Create an API key');
    await userEvent.click(form.getByRole('button', { name: 'Create key' }));

    expect(await form.findByText('Choose at least one scope.')).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([r]) => r.method === 'POST')).toBe(false);
    // A keyboard or screen reader user lands on what to fix, not on the Create button.
    expect(form.getByRole('checkbox', { name: 'contacts:read' })).toHaveFocus();

    await userEvent.click(form.getByRole('checkbox', { name: 'crm:push' }));
    expect(form.queryByText('Choose at least one scope.')).not.toBeInTheDocument();
    await userEvent.click(form.getByRole('button', { name: 'Create key' }));

    expect(await form.findByText('is required')).toBeInTheDocument();
    expect(form.getByRole('textbox', { name: /^Name/ })).toHaveAccessibleDescription(/is required/);
  });

  it('explains a package without API access, with a link to the packages', async () => {
    signInAsAdmin();
    stubPage({ keys: [], apiAccess: false }, {
      'POST /api-keys': () =>
        problemResponse({
          status: 403,
          title: 'Forbidden',
          type: 'plan-feature-unavailable',
          code: 'forbidden',
          detail: 'The free package does not include api_access; upgrade to use it.',
        }),
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    // The page says so up front…
    const banner = await screen.findByTestId('plan-feature-unavailable');
    expect(banner).toHaveTextContent('Your package does not include API access');
    expect(banner).toHaveTextContent('The Free package does not allow API keys');

    // …and offers no key it would refuse.
    const create = screen.getByRole('button', { name: 'Create key' });
    expect(create).toBeDisabled();
    expect(create).toHaveAccessibleDescription(/does not include API access/);
    await userEvent.click(create);
    expect(screen.queryByRole('dialog', { name: 'Create an API key' })).not.toBeInTheDocument();
  });

  it('revokes a key only after confirmation', async () => {
    signInAsAdmin();
    const state = { keys: [key()] };
    const deletes: string[] = [];
    stubPage(state, {
      'DELETE /api-keys/:id': (request) => {
        deletes.push(new URL(request.url).pathname);
        state.keys = [key({ status: 'revoked', revoked_at: '2026-11-28T12:00:00Z' })];
        return new Response(null, { status: 204 });
      },
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    const revoke = await screen.findByRole('button', { name: 'Revoke CRM sync (ock_4fGh01Kz)' });
    await userEvent.click(revoke);
    let confirm = dialog('Revoke API key');
    expect(confirm.getByText(/This cannot be undone/)).toBeInTheDocument();
    await userEvent.click(confirm.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog', { name: 'Revoke API key' })).not.toBeInTheDocument();
    expect(deletes).toEqual([]);

    await userEvent.click(revoke);
    confirm = dialog('Revoke API key');
    await userEvent.click(confirm.getByRole('button', { name: 'Revoke key' }));

    expect(await screen.findByText('\u2068CRM sync\u2069 (ock_4fGh01Kz) was revoked.')).toBeInTheDocument();
    expect(deletes).toEqual(['/api/v1/api-keys/key-1']);
    await vi.waitFor(() => expect(screen.getByTestId('api-key-status')).toHaveTextContent('Revoked'));
    // The revoked key has no Revoke button left to return to: focus goes to Create key.
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Create key' })).toHaveFocus());
  });

  it('says the old secret stops at its own expiry when that comes before the overlap ends', async () => {
    signInAsAdmin();
    const expiresSoon = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const state = { keys: [key({ expires_at: expiresSoon })] };
    stubPage(state, {
      'POST /api-keys/:id/rotate': () => {
        const rotated = key({ id: 'key-3', prefix: secret.slice(0, 12), rotated_from_id: 'key-1', last_used_at: null });
        state.keys = [rotated, key({ expires_at: expiresSoon })];
        return jsonResponse({ ...rotated, secret }, { status: 201 });
      },
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    await userEvent.click(await screen.findByRole('button', { name: 'Rotate CRM sync (ock_4fGh01Kz)' }));
    const rotate = dialog('Rotate API key');
    await userEvent.click(rotate.getByRole('radio', { name: '7 days' }));
    await userEvent.click(rotate.getByRole('button', { name: 'Rotate key' }));

    await screen.findByTestId('api-key-secret');
    const notice = dialog('Your new secret');
    expect(notice.queryByText(/keeps working for 7 days/)).not.toBeInTheDocument();
    expect(notice.getByText(/The old secret keeps working until .+, when it expires/)).toBeInTheDocument();
  });

  it('rotates with the chosen overlap and shows the new secret once', async () => {
    signInAsAdmin();
    const state = { keys: [key()] };
    const bodies: unknown[] = [];
    stubPage(state, {
      'POST /api-keys/:id/rotate': async (request) => {
        bodies.push({ path: new URL(request.url).pathname, body: (await request.json()) as unknown });
        const rotated = key({ id: 'key-3', prefix: secret.slice(0, 12), rotated_from_id: 'key-1', last_used_at: null });
        state.keys = [rotated, key({ expires_at: '2026-12-05T12:00:00Z' })];
        return jsonResponse({ ...rotated, secret }, { status: 201 });
      },
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    await userEvent.click(await screen.findByRole('button', { name: 'Rotate CRM sync (ock_4fGh01Kz)' }));
    const rotate = dialog('Rotate API key');
    expect(rotate.getByRole('radio', { name: '24 hours' })).toBeChecked();
    await userEvent.click(rotate.getByRole('radio', { name: '7 days' }));
    await userEvent.click(rotate.getByRole('button', { name: 'Rotate key' }));

    expect(await screen.findByTestId('api-key-secret')).toHaveTextContent(secret);
    expect(bodies).toEqual([{ path: '/api/v1/api-keys/key-1/rotate', body: { overlap_hours: 168 } }]);
    expect(dialog('Your new secret').getByText(/The old secret keeps working for 7 days/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('checkbox', { name: /I have copied the secret/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('api-key-secret')).not.toBeInTheDocument();
    expect(await screen.findByTestId('api-key-replaced')).toHaveTextContent('Rotated: works until Dec 5, 2026');
    // A key is rotated once: the old one can still be revoked, not rotated again.
    const old = screen.getAllByTestId('api-key-row').find((row) => row.dataset.keyId === 'key-1')!;
    expect(within(old).queryByRole('button', { name: /Rotate/ })).not.toBeInTheDocument();
    expect(within(old).getByRole('button', { name: 'Revoke CRM sync (ock_4fGh01Kz)' })).toBeInTheDocument();
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Create key' })).toHaveFocus());
  });

  it('says when the successor of a rotated key was revoked, and offers to rotate the old key again', async () => {
    signInAsAdmin();
    const revokedSuccessor = key({
      id: 'key-3',
      prefix: secret.slice(0, 12),
      rotated_from_id: 'key-1',
      status: 'revoked',
      revoked_at: '2026-11-28T12:00:00Z',
      last_used_at: null,
    });
    const state = { keys: [key({ expires_at: '2026-12-05T12:00:00Z' }), revokedSuccessor] };
    const rotated: string[] = [];
    stubPage(state, {
      'POST /api-keys/:id/rotate': (request) => {
        rotated.push(new URL(request.url).pathname);
        const next = key({ id: 'key-4', prefix: 'ock_9zYx8wVu', rotated_from_id: 'key-1', last_used_at: null });
        state.keys = [next, key({ expires_at: '2026-11-29T12:00:00Z' }), revokedSuccessor];
        return jsonResponse({ ...next, secret }, { status: 201 });
      },
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    const replaced = await screen.findByTestId('api-key-replaced');
    expect(replaced).toHaveTextContent(`Rotated, but its successor ${secret.slice(0, 12)}… was revoked: works until Dec 5, 2026`);
    await userEvent.click(screen.getByRole('button', { name: 'Rotate CRM sync (ock_4fGh01Kz)' }));
    await userEvent.click(dialog('Rotate API key').getByRole('button', { name: 'Rotate key' }));

    expect(await screen.findByTestId('api-key-secret')).toHaveTextContent(secret);
    expect(rotated).toEqual(['/api/v1/api-keys/key-1/rotate']);
    await userEvent.click(screen.getByRole('checkbox', { name: /I have copied the secret/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    // A live successor again: the old key is rotated, not to be rotated a third time.
    await vi.waitFor(() => expect(screen.getByTestId('api-key-replaced')).toHaveTextContent('Rotated: works until Nov 29, 2026'));
    const old = screen.getAllByTestId('api-key-row').find((row) => row.dataset.keyId === 'key-1')!;
    expect(within(old).queryByRole('button', { name: /Rotate/ })).not.toBeInTheDocument();
  });

  it('says the old secret stopped when rotated with no overlap', async () => {
    signInAsAdmin();
    const state = { keys: [key()] };
    stubPage(state, {
      'POST /api-keys/:id/rotate': () => {
        const rotated = key({ id: 'key-3', prefix: secret.slice(0, 12), rotated_from_id: 'key-1', last_used_at: null });
        state.keys = [rotated, key({ status: 'revoked', revoked_at: '2026-11-28T12:00:00Z' })];
        return jsonResponse({ ...rotated, secret }, { status: 201 });
      },
    });
    renderWithProviders(<ApiKeysRoute />, { route: '/api-keys' });

    await userEvent.click(await screen.findByRole('button', { name: 'Rotate CRM sync (ock_4fGh01Kz)' }));
    const rotate = dialog('Rotate API key');
    await userEvent.click(rotate.getByRole('radio', { name: 'None' }));
    await userEvent.click(rotate.getByRole('button', { name: 'Rotate key' }));

    const shown = dialog('Your new secret');
    expect(await shown.findByText(/The old secret has stopped working/)).toBeInTheDocument();
    expect(shown.queryByText(/keeps working/)).not.toBeInTheDocument();
  });

  it('is neither in the navigation nor open to members without api_keys:manage', async () => {
    stubApi({
      'POST /auth/refresh': () => jsonResponse(grantFor({}, { id: 'tenant-1', name: 'Acme', role: 'member' })),
      'GET /me': () => jsonResponse(me('member', ['members:read', 'usage:read'])),
    });
    renderRoutes(appRoutes, { route: '/api-keys' });

    expect(await screen.findByTestId('forbidden')).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(await within(nav).findByRole('link', { name: 'Team' })).toBeInTheDocument();
    expect(within(nav).queryByText('API keys')).not.toBeInTheDocument();
  });
});
