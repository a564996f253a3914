import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';

import { type Column, ActionsHeader, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { isApiError } from '@/lib/api-error';
import { formatDate, formatRole, formatStatus } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

import type { Invitation } from '../api/list-invitations';
import { useRevokeInvitation } from '../api/revoke-invitation';

const statusColors: Record<Invitation['status'], string> = {
  pending: 'blue',
  accepted: 'green',
  revoked: 'gray',
  expired: 'orange',
};

/** The columns after the email, in order: the table's cells and each phone card's list. */
const columns: Column<Invitation>[] = [
  { label: 'Role', value: (invitation) => formatRole(invitation.role) },
  {
    label: 'Status',
    value: (invitation) => (
      <Badge variant="light" color={statusColors[invitation.status]} data-testid="invitation-status">
        {formatStatus(invitation.status)}
      </Badge>
    ),
  },
  { label: 'Sent', value: (invitation) => formatDate(invitation.created_at) },
  {
    label: 'Expires',
    value: (invitation) =>
      invitation.status === 'accepted' ? `Accepted ${formatDate(invitation.accepted_at)}` : formatDate(invitation.expires_at),
  },
];

export function InvitationsTable({ invitations }: { invitations: Invitation[] }) {
  const phone = usePhone();
  const revoke = useRevokeInvitation();
  if (invitations.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No invitations yet.
      </Text>
    );
  }
  const revokeButton = (invitation: Invitation) =>
    invitation.status === 'pending' && (
      <Button
        size="xs"
        variant="subtle"
        color="red"
        aria-label={`Revoke the invitation for ${invitation.email}`}
        loading={revoke.isPending && revoke.variables === invitation.id}
        onClick={() =>
          revoke.mutate(invitation.id, {
            onSuccess: () => notifications.show({ color: 'green', message: `The invitation for ${invitation.email} was revoked.` }),
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
    );
  if (phone) {
    // A card per invitation: the 640px table put the status and Revoke past the edge of 375 px.
    return (
      <Stack gap="sm" data-testid="invitations-cards">
        {invitations.map((invitation) => (
          <RowCard
            key={invitation.id}
            label={`Invitation for ${invitation.email}`}
            data-testid="invitation-row"
            data-email={invitation.email}
          >
            <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }} data-testid="invitation-email">
              {invitation.email}
            </Text>
            <ColumnList columns={columns} item={invitation} mt="xs" />
            {invitation.status === 'pending' && <Group mt="xs">{revokeButton(invitation)}</Group>}
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" fz="sm" data-testid="invitations-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <ColumnHeaders columns={columns} />
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invitations.map((invitation) => (
            <Table.Tr key={invitation.id} data-testid="invitation-row" data-email={invitation.email}>
              <Table.Td style={{ overflowWrap: 'anywhere' }} data-testid="invitation-email">
                {invitation.email}
              </Table.Td>
              <ColumnCells columns={columns} item={invitation} />
              <Table.Td>{revokeButton(invitation)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
