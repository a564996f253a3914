import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { mediaQueryList } from '@/testing/media';
import { grantFor, jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';
import { starterPackage } from '@/testing/packages';

import { BillingRoute } from './billing';

const starter = starterPackage;

const usage = {
  package: starter,
  downgraded: false,
  seats: { limit: 10, members: 1, pending_invitations: 0, remaining: 9 },
  quotas: [],
};

function apiKey(id: string, name: string, status: 'active' | 'revoked') {
  return {
    id,
    name,
    prefix: `ock_${id}`,
    scopes: ['contacts:read'],
    status,
    created_by: 'admin@acme.test',
    created_at: '2026-11-01T10:00:00Z',
    expires_at: null,
    revoked_at: status === 'revoked' ? '2026-11-20T10:00:00Z' : null,
    last_used_at: null,
  };
}

function daysWith(requests: number[]) {
  return requests.map((n, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, requests: n }));
}

const usageByKey: Record<string, { key_id: string; days: ReturnType<typeof daysWith>; total: number }> = {
  k1: { key_id: 'k1', days: daysWith([...Array<number>(27).fill(0), 100, 1200, 34]), total: 1334 },
  k2: { key_id: 'k2', days: daysWith(Array<number>(30).fill(0)), total: 0 },
};

function signIn(permissions: string[]) {
  installAuth();
  applyGrant(grantFor());
  return stubApi({
    'GET /me': () =>
      jsonResponse({
        user: grantFor().user,
        tenant: { id: 'tenant-1', name: 'Acme', role: 'org_admin', status: 'active' },
        memberships: [],
        permissions,
      }),
    'GET /tenant/usage': () => jsonResponse(usage),
    'GET /packages': () => jsonResponse({ items: [starter] }),
    'GET /api-keys': () => jsonResponse({ items: [apiKey('k1', 'CRM sync', 'active'), apiKey('k2', 'Old export', 'revoked')], next_cursor: '' }),
    'GET /api-keys/:id/usage': (_request, { path }) => jsonResponse(usageByKey[path.split('/')[2]!]),
  });
}

describe('BillingRoute API usage', () => {
  it('lists every API key with its 30-day total and sparkline for org admins', async () => {
    signIn(['usage:read', 'api_keys:manage']);
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    const section = await screen.findByTestId('api-usage');
    expect(within(section).getByRole('heading', { name: 'API usage' })).toBeInTheDocument();
    const rows = await within(section).findAllByTestId('api-usage-row');
    expect(rows.map((r) => r.getAttribute('data-key-id'))).toEqual(['k1', 'k2']);
    const [crm, old] = rows as [HTMLElement, HTMLElement];
    expect(await within(crm).findByTestId('api-key-usage-total')).toHaveTextContent('1,334');
    expect(within(crm).getByRole('img', { name: /CRM sync, last 30 days: 1,334 in total/ })).toHaveAttribute('data-max', '1200');
    expect(within(crm).getByTestId('api-key-status')).toHaveTextContent('Active');
    expect(await within(old).findByTestId('api-key-usage-total')).toHaveTextContent('0');
    expect(within(old).getByTestId('api-key-status')).toHaveTextContent('Revoked');
    // In a table the chart and its total stay on one line; a wrap took the room the table gave (at
    // 1280 px the API keys page put "0 requests" under the chart).
    expect(within(crm).getByTestId('api-key-usage').style.getPropertyValue('--group-wrap')).toBe('nowrap');
    expect(within(section).getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Key',
      'Prefix',
      'Status',
      'Requests, last 30 days',
    ]);
  });

  it('on a phone, shows a card per key with its prefix, status and requests labelled, no table', async () => {
    // Below Mantine's `sm` (375 px): the 560px table put the requests past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    signIn(['usage:read', 'api_keys:manage']);
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    const section = await screen.findByTestId('api-usage');
    const crm = await within(section).findByRole('article', { name: 'CRM sync (ock_k1)' });
    expect(within(section).queryByRole('table')).not.toBeInTheDocument();
    expect(within(section).getAllByTestId('api-usage-row').map((r) => r.getAttribute('data-key-id'))).toEqual(['k1', 'k2']);
    const value = (card: HTMLElement, label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;
    expect(within(crm).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual([
      'Prefix',
      'Status',
      'Requests, last 30 days',
    ]);
    expect(value(crm, 'Prefix')).toHaveTextContent('ock_k1');
    expect(value(crm, 'Status')).toHaveTextContent('Active');
    expect(await within(crm).findByTestId('api-key-usage-total')).toHaveTextContent('1,334');
    // About 190 px for the value: the total goes under the chart rather than past the card's edge.
    expect(within(crm).getByTestId('api-key-usage').style.getPropertyValue('--group-wrap')).toBe('wrap');
    const old = within(section).getByRole('article', { name: 'Old export (ock_k2)' });
    expect(value(old, 'Status')).toHaveTextContent('Revoked');
  });

  it('leaves the section out for users who may not manage API keys', async () => {
    const fetchMock = signIn(['usage:read']);
    renderWithProviders(<BillingRoute />, { route: '/billing' });

    expect(await screen.findByTestId('current-package')).toHaveTextContent('Starter');
    const paths = () => fetchMock.mock.calls.map(([r]) => new URL(r.url).pathname);
    await vi.waitFor(() => expect(paths()).toContain('/api/v1/me'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('api-usage')).not.toBeInTheDocument();
    expect(paths().some((p) => p.startsWith('/api/v1/api-keys'))).toBe(false);
  });
});
