import { applyGrant, installAuth } from '@/lib/auth/session';
import type { Package, Usage } from '@/lib/usage/get-usage';
import { grantFor, jsonResponse, stubApi } from '@/testing/test-utils';

import type { Billing, BillingEvent } from '../api/get-billing';

/** Test data for the billing feature's tests: the seeded packages, a usage, a billing answer. */

function pkg(fields: Partial<Package> & Pick<Package, 'id' | 'code' | 'name'>): Package {
  return {
    description: '',
    price_cents: 0,
    currency: 'usd',
    stripe_price_id: null,
    max_users: 3,
    searches_per_month: 100,
    max_contacts_per_query: 25,
    api_access: false,
    api_requests_per_minute: 0,
    import_rows_per_month: 1000,
    max_concurrent_jobs: 1,
    crm_pushes_per_month: 100,
    max_import_file_bytes: 5242880,
    sort_order: 10,
    active: true,
    ...fields,
  };
}

export const free = pkg({ id: 'pkg-free', code: 'free', name: 'Free', description: 'To try it out.' });
export const starter = pkg({
  id: 'pkg-starter',
  code: 'starter',
  name: 'Starter',
  price_cents: 4900,
  max_users: 10,
  searches_per_month: 2000,
  api_access: true,
  api_requests_per_minute: 120,
  sort_order: 20,
});
export const pro = pkg({
  id: 'pkg-pro',
  code: 'pro',
  name: 'Pro',
  price_cents: 14900,
  stripe_price_id: 'price_pro',
  max_users: 50,
  searches_per_month: 20000,
  max_contacts_per_query: 500,
  api_access: true,
  api_requests_per_minute: 600,
  sort_order: 30,
});
export const packages = [free, starter, pro];

type Subscription = NonNullable<Usage['subscription']>;

export function subscription(fields: Partial<Subscription> = {}): Subscription {
  return {
    package_id: free.id,
    status: 'active',
    source: 'signup',
    cancel_at_period_end: false,
    current_period_start: null,
    current_period_end: null,
    past_due_since: null,
    updated_at: '2026-11-01T10:00:00Z',
    ...fields,
  };
}

export function usage(fields: Partial<Usage> = {}): Usage {
  const current = fields.package ?? free;
  return {
    package: current,
    subscription: subscription({ package_id: current.id }),
    downgraded: false,
    seats: { limit: current.max_users, members: 1, pending_invitations: 0, remaining: current.max_users - 1 },
    quotas: [{ metric: 'searches', used: 3, limit: current.searches_per_month, remaining: current.searches_per_month - 3, reset_at: '2026-12-01T00:00:00Z' }],
    api_keys: 0,
    ...fields,
  };
}

export function billing(fields: Partial<Billing> = {}): Billing {
  return { usage: usage(), stripe_configured: true, has_billing_account: false, checkout_allowed: true, checkout_not_applied: false, history: [], ...fields };
}

export function historyEvent(id: string, data: Record<string, unknown>, fields: Partial<BillingEvent> = {}): BillingEvent {
  return {
    id,
    action: 'subscription.changed',
    actor_id: null,
    actor_label: '',
    actor_type: 'system',
    created_at: '2026-11-20T10:00:00Z',
    data,
    ip: '',
    request_id: 'req-1',
    target_id: 'tenant-1',
    target_type: 'tenant',
    tenant_id: 'tenant-1',
    ...fields,
  };
}

const orgAdmin = ['members:read', 'members:manage', 'usage:read', 'billing:read', 'billing:manage'];
const member = ['members:read', 'usage:read', 'billing:read'];

/**
 * Starts the test signed in (an org admin unless `role: 'member'`) and stubs GET /me, the usage,
 * the packages and GET /billing/subscription (`billing` may be a function, called per request);
 * `routes` adds or overrides handlers.
 */
export function signInWithBilling({
  role = 'org_admin',
  billing: answer = billing(),
  routes = {},
}: {
  role?: 'org_admin' | 'member';
  billing?: Billing | (() => Billing);
  routes?: Parameters<typeof stubApi>[0];
} = {}) {
  installAuth();
  applyGrant(grantFor());
  const current = () => (typeof answer === 'function' ? answer() : answer);
  return stubApi({
    'GET /me': () =>
      jsonResponse({
        user: grantFor().user,
        tenant: { id: 'tenant-1', name: 'Acme', role, status: 'active' },
        memberships: [],
        permissions: role === 'org_admin' ? orgAdmin : member,
      }),
    'GET /tenant/usage': () => jsonResponse(current().usage),
    'GET /billing/subscription': () => jsonResponse(current()),
    'GET /packages': () => jsonResponse({ items: packages }),
    ...routes,
  });
}

/** The paths (below /api/v1) of the requests a stubbed fetch received, with their methods. */
export function requestsOf(fetchMock: ReturnType<typeof stubApi>): string[] {
  return fetchMock.mock.calls.map(([request]) => `${request.method} ${new URL(request.url).pathname.replace(/^\/api\/v1/, '')}`);
}
