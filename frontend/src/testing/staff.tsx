import type { RouteObject } from 'react-router-dom';

import { AdminLayoutRoute } from '@/features/admin/routes/admin-layout';
import { useMe } from '@/lib/auth/get-me';
import { applyGrant, installAuth } from '@/lib/auth/session';

import { grantFor } from './test-utils';

/**
 * Signs platform staff in (no tenant) and returns what GET /me answers for them: system admins
 * hold platform:read and platform:write, support staff platform:read only.
 */
export function signInStaff(systemRole: 'system_admin' | 'support') {
  installAuth();
  const grant = grantFor({ system_role: systemRole }, null);
  applyGrant(grant);
  return {
    user: grant.user,
    memberships: [],
    permissions: systemRole === 'system_admin' ? ['platform:read', 'platform:write'] : ['platform:read'],
  };
}

/** Says when GET /me has answered, so a missing control is not merely a permission still loading. */
export function MeLoaded() {
  return useMe().data ? <span data-testid="me-loaded" /> : null;
}

/** The admin console's layout at /admin around `children`, with MeLoaded beside it. */
export function adminRoutes(children: RouteObject[]): RouteObject[] {
  return [
    {
      path: '/admin',
      element: (
        <>
          <AdminLayoutRoute />
          <MeLoaded />
        </>
      ),
      children,
    },
  ];
}
