import { Alert, Anchor, Stack, Text, Title } from '@mantine/core';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageLoader } from '@/components/layout/page-loader';
import { useMe } from '@/lib/auth/get-me';
import { usePermissions, type Permission } from '@/lib/auth/permissions';
import { loginPath } from '@/lib/auth/redirect';
import { useDocumentTitle } from '@/lib/use-document-title';
import { retrySession, useSession } from '@/lib/auth/session';

/**
 * Signed-in pages: waits for the session check, sends everyone else to /login?next=<here>. A check
 * that could not reach the server is no verdict: the page offers to try again, where it is.
 */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <PageLoader />;
  if (session.status === 'unreachable') return <SessionUnreachable error={session.error} />;
  if (session.status === 'signed-out') {
    return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  }
  return <Outlet />;
}

/**
 * Pages that need a permission from GET /me (e.g. `audit:read`, `platform:read`). Only the UI is
 * guarded here; the server refuses the calls anyway.
 */
export function RequirePermission({ permission }: { permission: Permission }) {
  const me = useMe();
  const permissions = usePermissions();
  if (me.isError) return <ApiErrorAlert error={me.error} onRetry={() => void me.refetch()} />;
  if (!permissions.loaded) return <PageLoader />;
  if (!permissions.has(permission)) {
    return (
      <Forbidden permission={permission} inTenant={Boolean(me.data?.tenant)} staff={permissions.has('platform:read')} />
    );
  }
  return <Outlet />;
}

function SessionUnreachable({ error }: { error: unknown }) {
  useDocumentTitle('Cannot reach the server');
  return (
    <Stack py="xl" maw={640} data-testid="session-unreachable">
      <ApiErrorAlert error={error} onRetry={() => void retrySession()} />
      <Text size="sm" c="dimmed">
        Your session could not be checked, so this page is not shown yet. You have not been signed out.
      </Text>
    </Stack>
  );
}

/**
 * A page the user's role does not include: an organization role, or a platform (staff) role. A user
 * in no organization (platform staff, someone removed from their last one) has no organization role
 * to ask about: the page says what they can do instead.
 */
function Forbidden({ permission, inTenant, staff }: { permission: Permission; inTenant: boolean; staff: boolean }) {
  useDocumentTitle('No access');
  return (
    <Stack py="xl" maw={640} data-testid="forbidden">
      <Title order={1} size="h2">
        No access
      </Title>
      {permission.startsWith('platform:') ? (
        <Alert color="yellow" title="This page is not available for your role" role="alert">
          {permission === 'platform:write'
            ? 'It is for system admins; support staff can read the rest of the admin console.'
            : 'It is for platform staff (support and system admins).'}
        </Alert>
      ) : inTenant ? (
        <Alert color="yellow" title="You do not have access to this page" role="alert">
          Your role in this organization does not include it. Ask an organization admin, or switch to another
          organization.
        </Alert>
      ) : (
        <Alert color="yellow" title="You are not a member of an organization" role="alert">
          <Stack gap="xs">
            <Text size="sm">This page shows an organization&rsquo;s data, and you are not signed in to one.</Text>
            {staff ? (
              <Anchor component={Link} to="/admin" size="sm">
                Open the admin console
              </Anchor>
            ) : (
              <Text size="sm">Ask an organization admin for an invitation to their organization.</Text>
            )}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
