// Test data for the Integrations pages (component tests only).
import type { CrmConnection } from '@/lib/crm/get-crm-connection';
import type { CrmPush, CrmPushDetail } from '@/lib/crm/get-crm-push';

export const orgAdminPermissions = ['crm:read', 'crm:push', 'crm:manage'];
export const viewerPermissions = ['crm:read'];

export function me(permissions: string[], role: 'org_admin' | 'member' | 'viewer' = 'org_admin') {
  return {
    user: {
      id: 'user-1',
      email: 'admin@acme.test',
      name: 'Ada Admin',
      system_role: 'user',
      created_at: '2026-11-01T10:00:00Z',
      last_login_at: null,
      password_changed_at: '2026-11-01T10:00:00Z',
    },
    tenant: { id: 'tenant-1', name: 'Acme', role, status: 'active' },
    memberships: [{ tenant_id: 'tenant-1', tenant_name: 'Acme', role, status: 'active' }],
    permissions,
  };
}

export function connection(overrides: Partial<CrmConnection> = {}): CrmConnection {
  return {
    status: 'connected',
    account_id: 'acc_demo',
    account_name: 'Demo CRM',
    scopes: ['contacts.read', 'contacts.write'],
    connected_by: 'user-1',
    connected_by_email: 'admin@acme.test',
    connected_at: '2026-11-20T10:00:00Z',
    status_reason: '',
    status_changed_at: '2026-11-20T10:00:00Z',
    last_push_at: '2026-11-28T09:00:00Z',
    queued: 0,
    paused: 0,
    ...overrides,
  };
}

export const notConnected = connection({
  status: 'not_connected',
  account_id: '',
  account_name: '',
  connected_by: null,
  connected_by_email: '',
  connected_at: null,
  status_changed_at: null,
  last_push_at: null,
});

export const settings = {
  field_ownership: {
    email: 'fill_if_empty',
    first_name: 'fill_if_empty',
    last_name: 'fill_if_empty',
    phone: 'never',
    job_title: 'overwrite',
    company_name: 'fill_if_empty',
  },
};

export function push(overrides: Partial<CrmPush> = {}): CrmPush {
  return {
    id: 'push-1',
    status: 'completed',
    selection: 'all_approved_not_pushed',
    requested_by: 'user-1',
    requested_by_label: 'admin@acme.test',
    total: 3,
    to_create: 2,
    to_update: 0,
    skipped: 1,
    rejected: 0,
    queued: 0,
    paused: 0,
    created: 2,
    updated: 0,
    failed: 0,
    deleted_in_crm: 0,
    cancelled: 0,
    created_at: '2026-11-28T09:00:00Z',
    updated_at: '2026-11-28T09:00:05Z',
    finished_at: '2026-11-28T09:00:05Z',
    ...overrides,
  };
}

export function pushDetail(overrides: Partial<CrmPushDetail> = {}): CrmPushDetail {
  return { ...push(), items: [], next_items_cursor: '', ...overrides };
}
