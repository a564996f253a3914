import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { importFixture, importUsage } from '@/features/imports/testing/fixtures';
import { applyGrant, installAuth } from '@/lib/auth/session';
import type { Usage } from '@/lib/usage/get-usage';
import { mediaQueryList } from '@/testing/media';
import { signInStaff } from '@/testing/staff';
import { grantFor, jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { HomeRoute } from './home';

type Role = 'org_admin' | 'member' | 'viewer';

/** What GET /me lists for each tenant role (internal/tenancy/permission.go, DESIGN.md §2). */
const rolePermissions: Record<Role, string[]> = {
  org_admin: [
    'contacts:read', 'saved:read', 'saved:export', 'saved:write', 'saved:approve', 'corrections:write',
    'imports:read', 'imports:write', 'crm:read', 'crm:push', 'crm:manage', 'members:read', 'members:manage',
    'api_keys:manage', 'billing:read', 'billing:manage', 'audit:read', 'tenant:read', 'tenant:update', 'usage:read',
  ],
  member: [
    'contacts:read', 'saved:read', 'saved:export', 'saved:write', 'corrections:write', 'imports:read',
    'imports:write', 'crm:read', 'crm:push', 'members:read', 'billing:read', 'tenant:read', 'usage:read',
  ],
  viewer: ['contacts:read', 'saved:read', 'crm:read', 'members:read', 'billing:read', 'tenant:read', 'usage:read'],
};

const status = {
  name: '1CloudAI Business Contacts',
  version: 'v9.9.9',
  environment: 'test',
  database: 'ok',
  time: '2026-11-28T20:00:00Z',
};

function usage(): Usage {
  const base = importUsage({ rowsLimit: 1000, rowsRemaining: 800 });
  return {
    ...base,
    seats: { limit: 10, members: 3, pending_invitations: 1, remaining: 6 },
    quotas: [
      { metric: 'searches', limit: 2000, used: 1234, remaining: 766, reset_at: '2026-12-01T00:00:00Z' },
      ...base.quotas,
      { metric: 'crm_pushes', limit: 100, used: 7, remaining: 93, reset_at: '2026-12-01T00:00:00Z' },
    ],
  };
}

function signIn(role: Role) {
  installAuth();
  const grant = grantFor({}, { id: 'tenant-1', name: 'Acme Corp', role });
  applyGrant(grant);
  return {
    user: grant.user,
    tenant: grant.tenant,
    memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme Corp', role, status: 'active' }],
    package: { code: 'starter', name: 'Starter' },
    permissions: rolePermissions[role],
  };
}

const imports = [
  importFixture({ id: 'imp-2', file_name: 'march.csv', status: 'completed', row_count: 1500 }),
  importFixture({ id: 'imp-1', file_name: 'people.csv', status: 'failed', row_count: 3 }),
  importFixture({ id: 'imp-0', file_name: 'trial.csv', status: 'completed', dry_run: true, row_count: 20 }),
];

function shortcutNames(): string[] {
  return within(screen.getByTestId('home-shortcuts'))
    .getAllByRole('link')
    .map((link) => within(link).getByTestId('home-shortcut-label').textContent ?? '');
}

describe('HomeRoute', () => {
  it('shows an org admin the organization, package, usage, every shortcut and the recent imports', async () => {
    const me = signIn('org_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(usage()),
      'GET /imports': () => jsonResponse({ items: imports, next_cursor: '' }),
      'GET /status': () => jsonResponse(status),
    });
    renderWithProviders(<HomeRoute />);

    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeInTheDocument();
    const org = await screen.findByTestId('home-organization');
    expect(org).toHaveTextContent('Acme Corp');
    // The name sits in a sentence: isolated, so a right-to-left one keeps to its own direction.
    expect(org.querySelector('bdi')).toHaveTextContent('Acme Corp');
    expect(org).toHaveTextContent('Starter package');
    expect(org).toHaveTextContent('Org admin');

    expect(shortcutNames()).toEqual([
      'Search contacts',
      'Saved contacts',
      'Import contacts',
      'Team',
      'API keys',
      'Billing',
      'CRM',
    ]);
    expect(screen.getByRole('link', { name: /^Import contacts/ })).toHaveAttribute('href', '/imports/new');
    expect(screen.getByRole('link', { name: /^CRM/ })).toHaveAttribute('href', '/integrations');

    expect(await screen.findByTestId('meter-searches-value')).toHaveTextContent('1,234 of 2,000');
    expect(screen.getByTestId('meter-import_rows-value')).toHaveTextContent('200 of 1,000');
    expect(screen.getByTestId('meter-crm_pushes-value')).toHaveTextContent('7 of 100');
    expect(screen.getByTestId('meter-seats-value')).toHaveTextContent('4 of 10');
    expect(within(screen.getByTestId('meter-searches')).getByText(/^Resets /)).toBeInTheDocument();

    const table = await screen.findByTestId('home-imports');
    expect(within(table).getByRole('link', { name: 'march.csv' })).toHaveAttribute('href', '/imports/imp-2');
    expect(within(table).getByText('Completed')).toBeInTheDocument();
    expect(within(table).getByText('1,500')).toBeInTheDocument();
    expect(within(table).getByText('Failed')).toBeInTheDocument();
    // A dry run says so, as the import history does.
    expect(within(table).getByText('Dry run completed')).toBeInTheDocument();

    // The service status is for platform staff.
    expect(screen.queryByRole('heading', { name: 'Service status' })).not.toBeInTheDocument();
  });

  it('on a phone, shows each recent import as a card with its link, status, rows and date, no table', async () => {
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    const me = signIn('org_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(usage()),
      'GET /imports': () => jsonResponse({ items: imports, next_cursor: '' }),
    });
    renderWithProviders(<HomeRoute />);

    const march = await screen.findByRole('article', { name: 'march.csv' });
    expect(screen.queryByTestId('home-imports')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('home-import').map((card) => card.getAttribute('data-import-id'))).toEqual(['imp-2', 'imp-1', 'imp-0']);
    expect(within(march).getByRole('link', { name: 'march.csv' })).toHaveAttribute('href', '/imports/imp-2');
    const labels = within(march)
      .getAllByRole('term')
      .map((dt) => dt.textContent);
    expect(labels).toEqual(['Status', 'Rows', 'Uploaded']);
    expect(within(march).getByTestId('import-status')).toHaveTextContent('Completed');
    expect(within(march).getByText('1,500')).toBeInTheDocument();
    expect(within(screen.getByRole('article', { name: 'trial.csv' })).getByTestId('import-status')).toHaveTextContent('Dry run completed');
  });

  it('gives a member search, saved contacts and import, no organization administration', async () => {
    const me = signIn('member');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(usage()),
      'GET /imports': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(<HomeRoute />);

    await screen.findByTestId('home-shortcuts');
    expect(shortcutNames()).toEqual(['Search contacts', 'Saved contacts', 'Import contacts']);
    expect(await screen.findByTestId('home-imports-empty')).toHaveTextContent('No imports yet.');
    expect(screen.getByRole('link', { name: 'Import a file' })).toHaveAttribute('href', '/imports/new');
    expect(await screen.findByTestId('meter-searches-value')).toHaveTextContent('1,234 of 2,000');
  });

  it('gives a viewer only search and saved contacts, and no imports section', async () => {
    const me = signIn('viewer');
    const api = stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => jsonResponse(usage()),
    });
    renderWithProviders(<HomeRoute />);

    await screen.findByTestId('home-shortcuts');
    expect(shortcutNames()).toEqual(['Search contacts', 'Saved contacts']);
    expect(await screen.findByTestId('meter-crm_pushes-value')).toHaveTextContent('7 of 100');
    expect(screen.queryByRole('heading', { name: 'Recent imports' })).not.toBeInTheDocument();
    // A viewer may not list imports: the page does not ask.
    const paths = api.mock.calls.map(([request]) => new URL(request.url).pathname);
    expect(paths).not.toContain('/api/v1/imports');
  });

  it('shows the usage error with a retry and keeps the rest of the page', async () => {
    const me = signIn('member');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => problemResponse({ status: 503, title: 'Service Unavailable', code: 'unavailable' }),
      'GET /imports': () => jsonResponse({ items: imports, next_cursor: '' }),
    });
    renderWithProviders(<HomeRoute />);

    const usageSection = await screen.findByRole('region', { name: 'This month’s usage' });
    expect(await within(usageSection).findByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(await screen.findByTestId('home-imports')).toBeInTheDocument();
  });

  it('shows platform staff without an organization the service status', async () => {
    const me = signInStaff('support');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /status': () => jsonResponse(status),
    });
    renderWithProviders(<HomeRoute />);

    expect(await screen.findByTestId('status-version')).toHaveTextContent('v9.9.9');
    expect(screen.queryByTestId('home-shortcuts')).not.toBeInTheDocument();
    expect(screen.queryByTestId('home-no-organization')).not.toBeInTheDocument();
  });

  it('shows the service status signed out', async () => {
    stubApi({ 'GET /status': () => jsonResponse(status) });
    renderWithProviders(<HomeRoute />);

    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeInTheDocument();
    expect(await screen.findByTestId('status-database')).toHaveTextContent('ok');
    expect(screen.queryByTestId('home-shortcuts')).not.toBeInTheDocument();
  });
});
