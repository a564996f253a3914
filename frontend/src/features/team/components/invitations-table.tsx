import { Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';

import { isApiError } from '@/lib/api-error';
import { formatDate, formatRole, formatStatus } from '@/lib/format';

import type { Invitation } from '../api/list-invitations';
import { useRevokeInvitation } from '../api/revoke-invitation';

const statusColors: Record<Invitation['status'], string> = {
  pending: 'blue',
  accepted: 'green',
  revoked: 'gray',
  expired: 'orange',
};

export function InvitationsTable({ invitations }: { invitations: Invitation[] }) {
  const revoke = useRevokeInvitation();
  if (invitations.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No invitations yet.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" fz="sm" data-testid="invitations-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invitations.map((invitation) => (
            <Table.Tr key={invitation.id} data-testid="invitation-row" data-email={invitation.email}>
              <Table.Td style={{ overflowWrap: 'anywhere' }} data-testid="invitation-email">
                {invitation.email}
              </Table.Td>
              <Table.Td>{formatRole(invitation.role)}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={statusColors[invitation.status]} data-testid="invitation-status">
                  {formatStatus(invitation.status)}
                </Badge>
              </Table.Td>
              <Table.Td>{formatDate(invitation.created_at)}</Table.Td>
              <Table.Td>
                {invitation.status === 'accepted'
                  ? `Accepted ${formatDate(invitation.accepted_at)}`
                  : formatDate(invitation.expires_at)}
              </Table.Td>
              <Table.Td>
                {invitation.status === 'pending' && (
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Revoke the invitation for ${invitation.email}`}
                    loading={revoke.isPending && revoke.variables === invitation.id}
                    onClick={() =>
                      revoke.mutate(invitation.id, {
                        onSuccess: () =>
                          notifications.show({ color: 'green', message: `The invitation for ${invitation.email} was revoked.` }),
                        onError: (error) =>
                          notifications.show({
                            color: 'red',
                            title: 'Not revoked',
                            message: isApiError(error) ? error.detail || error.title : String(error),
                          }),
                      })
                    }
                  >
                    Revoke
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
