import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor } from '@/testing/test-utils';

import type { TenantCorrection } from '../api/list-corrections';
import type { Contact } from '../api/search-contacts';

/** Test data and doubles for the contacts feature's tests. */

export const memberPermissions = [
  'contacts:read',
  'saved:read',
  'saved:export',
  'saved:write',
  'corrections:write',
  'members:read',
  'usage:read',
];
export const adminPermissions = [...memberPermissions, 'saved:approve', 'members:manage', 'audit:read'];
export const viewerPermissions = ['contacts:read', 'saved:read', 'members:read', 'usage:read'];

export function signIn(role: 'org_admin' | 'member' | 'viewer' = 'org_admin') {
  installAuth();
  applyGrant(grantFor({}, { id: 'tenant-1', name: 'Acme', role }));
}

export function me(permissions: string[], role: 'org_admin' | 'member' | 'viewer' = 'org_admin') {
  return {
    user: grantFor().user,
    tenant: { id: 'tenant-1', name: 'Acme', role, status: 'active' },
    memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme', role, status: 'active' }],
    permissions,
  };
}

export function usage({ remaining = 97, limit = 100 }: { remaining?: number; limit?: number } = {}) {
  return {
    package: { code: 'free', name: 'Free', max_contacts_per_query: 25, searches_per_month: limit },
    downgraded: false,
    seats: { limit: 3, members: 1, pending_invitations: 0, remaining: 2 },
    quotas: [{ metric: 'searches', limit, used: limit - remaining, remaining, reset_at: '2026-12-01T00:00:00Z' }],
  };
}

let nextId = 1;

export function contact(overrides: Partial<Contact> = {}): Contact {
  const n = nextId++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    first_name: `Erin${n}`,
    last_name: 'Engineer',
    email: `erin${n}@acme.test`,
    email_status: 'valid',
    phone: '+4930123456',
    title: 'Software Engineer',
    seniority: 'senior',
    department: 'engineering',
    company_id: 'company-1',
    company_name: 'Acme GmbH',
    company_domain: 'acme.test',
    industry: 'Software',
    employee_range: '51-200',
    linkedin_url: '',
    city: 'Berlin',
    region: 'Berlin',
    country: 'DE',
    source: 'seed',
    private: false,
    updated_at: '2026-11-01T10:00:00Z',
    saved: false,
    crm_status: '',
    lists: [],
    corrections: [],
    ...overrides,
  };
}

export const facets = {
  seniority: [
    { value: 'senior', count: 40 },
    { value: 'vp', count: 12 },
  ],
  department: [{ value: 'engineering', count: 52 }],
  country: [
    { value: 'DE', count: 30 },
    { value: 'US', count: 22 },
  ],
  employee_range: [{ value: '51-200', count: 52 }],
  is_capped: false,
};

export function searchPage(items: Contact[], { next = '', total = 52, withFacets = true } = {}) {
  return {
    items,
    next_cursor: next,
    total,
    total_is_capped: false,
    total_is_estimate: false,
    ...(withFacets ? { facets } : {}),
  };
}

export const quotaHeaders = (remaining: number) => ({
  'X-Quota-Searches-Limit': '100',
  'X-Quota-Searches-Used': String(100 - remaining),
  'X-Quota-Searches-Remaining': String(remaining),
  'X-Quota-Searches-Reset': '2026-12-01T00:00:00Z',
});

/**
 * IntersectionObserver for jsdom (which has none): tests say when the infinite-scroll sentinel
 * comes into view with `FakeIntersectionObserver.showAll()`.
 */
export class FakeIntersectionObserver {
  static instances: FakeIntersectionObserver[] = [];
  private targets: Element[] = [];
  readonly root = null;
  readonly rootMargin = '';
  readonly thresholds = [0];

  private readonly callback: IntersectionObserverCallback;

  constructor(callback: IntersectionObserverCallback) {
    this.callback = callback;
    FakeIntersectionObserver.instances.push(this);
  }

  observe(target: Element) {
    this.targets.push(target);
  }

  unobserve(target: Element) {
    this.targets = this.targets.filter((t) => t !== target);
  }

  disconnect() {
    this.targets = [];
    FakeIntersectionObserver.instances = FakeIntersectionObserver.instances.filter((o) => o !== this);
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  /** Every observed element scrolled into view. */
  static showAll() {
    for (const observer of [...FakeIntersectionObserver.instances]) {
      const entries = observer.targets.map(
        (target) => ({ target, isIntersecting: true, intersectionRatio: 1 }) as unknown as IntersectionObserverEntry,
      );
      if (entries.length > 0) observer.callback(entries, observer);
    }
  }
}

/** A correction of the organization's, as GET /corrections lists it: pending, filed by a member. */
export function correction(overrides: Partial<TenantCorrection> = {}): TenantCorrection {
  return {
    id: 'corr-1',
    tenant_id: 'tenant-1',
    tenant_name: 'Acme',
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
    applied_at_once: false,
    submitted_by: 'user-1',
    submitted_by_name: 'Ada Lovelace',
    submitted_by_key: null,
    ...overrides,
  };
}
