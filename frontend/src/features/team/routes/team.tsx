import { Alert, Card, Skeleton, Stack, Text, Title } from '@mantine/core';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { SeatLimitAlert } from '@/components/usage/usage-meters';
import { UsageMeter } from '@/components/usage/usage-meter';
import { usePermissions } from '@/lib/auth/permissions';
import { useSession } from '@/lib/auth/session';
import { formatCount, formatNumber } from '@/lib/format';
import { useUsage } from '@/lib/usage/get-usage';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useInvitations } from '../api/list-invitations';
import { useMembers } from '../api/list-members';
import { InvitationsTable } from '../components/invitations-table';
import { InviteForm } from '../components/invite-form';
import { MembersTable } from '../components/members-table';

/**
 * /team: the members of the current organization. Org admins (members:manage) also change roles,
 * remove members and manage invitations; everyone else gets a read-only list.
 */
export function TeamRoute() {
  useDocumentTitle('Team');
  const session = useSession();
  const permissions = usePermissions();
  const canManage = permissions.has('members:manage');
  const members = useMembers();
  const usage = useUsage();
  const invitations = useInvitations({ enabled: canManage });
  const currentUserId = session.status === 'signed-in' ? session.user.id : undefined;

  return (
    <Stack gap="lg" maw={1100}>
      <PageHeader
        title="Team"
        description={
          session.status === 'signed-in' && session.tenant
            ? `Who works in ${session.tenant.name}, and what they may do.`
            : 'Who works in this organization.'
        }
      />

      {usage.data && (
        <Card withBorder padding="md">
          <Stack gap="sm">
            <UsageMeter
              id="team-seats"
              label={`Seats on the ${usage.data.package.name} package`}
              used={usage.data.seats.members + usage.data.seats.pending_invitations}
              limit={usage.data.seats.limit}
              description={`${formatCount(usage.data.seats.members, 'member')} and ${formatCount(
                usage.data.seats.pending_invitations,
                'pending invitation',
              )}; ${formatNumber(usage.data.seats.remaining)} left.`}
            />
            {canManage && <SeatLimitAlert usage={usage.data} />}
          </Stack>
        </Card>
      )}
      {usage.isError && <ApiErrorAlert error={usage.error} onRetry={() => void usage.refetch()} />}

      {canManage && (
        <Card withBorder padding="md">
          <Stack gap="sm">
            <Title order={2} size="h4">
              Invite a member
            </Title>
            <InviteForm />
          </Stack>
        </Card>
      )}

      <Stack gap="sm">
        <Title order={2} size="h4">
          Members
        </Title>
        {!canManage && permissions.loaded && (
          <Alert color="gray" variant="light" data-testid="team-read-only">
            Only organization admins can invite people, change roles or remove members.
          </Alert>
        )}
        {members.isPending ? (
          <Skeleton height={120} aria-label="Loading members" />
        ) : members.isError ? (
          <ApiErrorAlert error={members.error} onRetry={() => void members.refetch()} />
        ) : (
          <MembersTable members={members.data.items} canManage={canManage} currentUserId={currentUserId} />
        )}
      </Stack>

      {canManage && (
        <Stack gap="sm">
          <Title order={2} size="h4">
            Invitations
          </Title>
          {invitations.isPending ? (
            <Skeleton height={80} aria-label="Loading invitations" />
          ) : invitations.isError ? (
            <ApiErrorAlert error={invitations.error} onRetry={() => void invitations.refetch()} />
          ) : (
            <InvitationsTable invitations={invitations.data.items} />
          )}
          <Text size="xs" c="dimmed">
            Pending invitations hold a seat until they are accepted, revoked or expire (after 7 days).
          </Text>
        </Stack>
      )}
    </Stack>
  );
}
