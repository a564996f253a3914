import { Alert, Anchor, Modal, Stack, Text, Title } from '@mantine/core';
import { Fragment, useState } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';

import { LoginForm } from '@/features/auth/components/login-form';

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
 *
 * A session that ends while the page is open (the refresh was refused: expired, revoked, signed out
 * elsewhere) does not take the page away: what the user typed and has not sent yet stays, and a
 * sign-in dialog comes over it. Signed in again as the same user in the same organization, they
 * carry on (and send again what was refused); anyone else, or another organization, gets the page
 * afresh, so one account's draft is never sent as another's.
 */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  const owner = session.status === 'signed-in' ? `${session.user.id}/${session.tenant?.id ?? '-'}` : null;
  // Whose page this is: the last signed-in user and organization, kept while the session is over.
  const [pageOwner, setPageOwner] = useState(owner);
  if (owner !== null && owner !== pageOwner) setPageOwner(owner);
  if (session.status === 'loading') return <PageLoader />;
  if (session.status === 'unreachable') return <SessionUnreachable error={session.error} />;
  const ended = session.status === 'signed-out' && session.reason === 'expired' && pageOwner !== null;
  if (session.status === 'signed-out' && !ended) {
    return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  }
  // One shape signed in or not, so that the page is not mounted again when its owner signs back in.
  return (
    <>
      <Fragment key={pageOwner}>
        <Outlet />
      </Fragment>
      {ended && <SessionEndedDialog />}
    </>
  );
}

/** Sign-in over the page whose session ended; it closes itself once a session starts. */
function SessionEndedDialog() {
  const location = useLocation();
  return (
    <Modal
      opened
      onClose={() => {}}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      title="Your session has ended"
      data-testid="session-ended"
    >
      <Stack gap="sm">
        <Text size="sm">
          Sign in again to carry on here: what you typed on this page is kept. Anything the server refused while you
          were signed out was not saved; send it again after signing in.
        </Text>
        <LoginForm />
        <Text size="sm" c="dimmed">
          Or{' '}
          <Anchor component={Link} to={loginPath(`${location.pathname}${location.search}`)}>
            go to the sign-in page
          </Anchor>{' '}
          (what you typed here is lost).
        </Text>
      </Stack>
    </Modal>
  );
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
