import { Badge, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';

import { type Column, ActionsHeader, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { ConfirmModal } from '@/components/confirm-modal';
import { isApiError } from '@/lib/api-error';
import { formatDate, formatDateTime, formatRole } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

import type { Member, Role } from '../api/list-members';
import { useRemoveMember } from '../api/remove-member';
import { useUpdateMember } from '../api/update-member';
import { roleOptions } from '../roles';

type MembersTableProps = {
  members: Member[];
  /** Org admins change roles and remove members; everyone else reads. */
  canManage: boolean;
  currentUserId: string | undefined;
};

/**
 * The tenant's members: in a table, or on a phone a card per member, so that a member's role and
 * the Remove button are on the screen (the 720px table put them past the edge of 375 px).
 */
export function MembersTable({ members, canManage, currentUserId }: MembersTableProps) {
  const phone = usePhone();
  const updateMember = useUpdateMember();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [demotingSelf, setDemotingSelf] = useState<{ member: Member; role: Role } | null>(null);
  // The list is the whole tenant: with one org admin, the server refuses (409) to demote or remove
  // that admin, so the table does not offer it and says what to do instead.
  const admins = members.filter((m) => m.role === 'org_admin');
  const soleAdmin = admins.length === 1 ? admins[0] : undefined;
  const soleAdminHintId = 'sole-admin-hint';

  const changeRole = (member: Member, role: Role) => {
    if (role === member.role) return;
    // Giving up one's own admin rights cannot be undone by oneself: ask first, as removal does.
    if (member.user_id === currentUserId && member.role === 'org_admin') {
      setDemotingSelf({ member, role });
      return;
    }
    updateMember.mutate(
      { userId: member.user_id, role },
      {
        onSuccess: (updated) =>
          notifications.show({ color: 'green', message: `${updated.email} is now ${formatRole(updated.role)}.` }),
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: 'Role not changed',
            message: isApiError(error) ? error.detail || error.title : String(error),
          }),
      },
    );
  };

  /** The member's address, and "You" beside one's own. */
  const email = (member: Member) => (
    <Group gap={6} wrap="nowrap">
      {/* An address is one long word: it wraps anywhere, or a long one widened the
          column until Role and Remove left a phone's screen. */}
      <Text size="sm" miw={0} style={{ overflowWrap: 'anywhere' }} data-testid="member-email">
        {member.email}
      </Text>
      {member.user_id === currentUserId && (
        <Badge size="xs" variant="outline">
          You
        </Badge>
      )}
    </Group>
  );
  /** The columns after the email, in order: the table's cells and each phone card's list. */
  const columns: Column<Member>[] = [
    { label: 'Name', value: (member) => member.name || '—' },
    {
      label: 'Role',
      value: (member) =>
        canManage ? (
          <Select
            aria-label={`Role of ${member.email}`}
            size="xs"
            w={140}
            data={roleOptions}
            value={member.role}
            allowDeselect={false}
            disabled={member === soleAdmin || (updateMember.isPending && updateMember.variables?.userId === member.user_id)}
            onChange={(value) => value && changeRole(member, value)}
            comboboxProps={{ withinPortal: true }}
          />
        ) : (
          <Badge variant="light" data-testid="member-role">
            {formatRole(member.role)}
          </Badge>
        ),
    },
    { label: 'Joined', value: (member) => formatDate(member.joined_at) },
    { label: 'Last sign-in', value: (member) => (member.last_login_at ? formatDateTime(member.last_login_at) : 'Never') },
  ];
  const removeButton = (member: Member) => (
    <Button
      size="xs"
      variant="subtle"
      color="red"
      onClick={() => setRemoving(member)}
      aria-label={`Remove ${member.email}`}
      disabled={member === soleAdmin}
      aria-describedby={member === soleAdmin ? soleAdminHintId : undefined}
    >
      Remove
    </Button>
  );

  return (
    <>
      {phone ? (
        <Stack gap="sm" data-testid="members-cards">
          {members.map((member) => (
            <RowCard
              key={member.user_id}
              label={member.email}
              data-testid="member-row"
              data-email={member.email}
            >
              {email(member)}
              <ColumnList columns={columns} item={member} mt="xs" />
              {canManage && <Group mt="xs">{removeButton(member)}</Group>}
            </RowCard>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs" fz="sm" highlightOnHover data-testid="members-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <ColumnHeaders columns={columns} />
                {canManage && (
                  <ActionsHeader />
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.map((member) => (
                <Table.Tr key={member.user_id} data-testid="member-row" data-email={member.email}>
                  <Table.Td>{email(member)}</Table.Td>
                  <ColumnCells columns={columns} item={member} />
                  {canManage && <Table.Td>{removeButton(member)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canManage && soleAdmin && (
        <Text size="xs" c="dimmed" mt="xs" id={soleAdminHintId} data-testid="sole-admin-hint">
          {soleAdmin.user_id === currentUserId ? 'You are' : `${soleAdmin.email} is`} the only org admin: make
          someone else an org admin before changing {soleAdmin.user_id === currentUserId ? 'your' : 'that'} role or
          removing {soleAdmin.user_id === currentUserId ? 'yourself' : 'them'}.
        </Text>
      )}
      <RemoveMemberModal member={removing} isSelf={removing?.user_id === currentUserId} onClose={() => setRemoving(null)} />
      <DemoteSelfModal change={demotingSelf} onClose={() => setDemotingSelf(null)} />
    </>
  );
}

function DemoteSelfModal({ change, onClose }: { change: { member: Member; role: Role } | null; onClose: () => void }) {
  const updateMember = useUpdateMember();
  const close = () => {
    updateMember.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={change !== null}
      title="Change your own role"
      confirmLabel="Change my role"
      loading={updateMember.isPending}
      error={updateMember.error}
      onClose={close}
      onConfirm={() => {
        if (!change) return;
        updateMember.mutate(
          { userId: change.member.user_id, role: change.role },
          {
            onSuccess: (updated) => {
              notifications.show({ color: 'green', message: `You are now ${formatRole(updated.role)}.` });
              close();
            },
          },
        );
      }}
    >
      {change && (
        <>
          Change your role to <b>{formatRole(change.role)}</b>? This is you: you will lose your admin rights in this
          organization and cannot undo this yourself; another org admin would have to make you an admin again.
        </>
      )}
    </ConfirmModal>
  );
}

function RemoveMemberModal({ member, isSelf, onClose }: { member: Member | null; isSelf: boolean; onClose: () => void }) {
  const remove = useRemoveMember();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={member !== null}
      title="Remove member"
      confirmLabel="Remove member"
      loading={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() => {
        if (!member) return;
        remove.mutate(member.user_id, {
          onSuccess: () => {
            notifications.show({ color: 'green', message: `${member.email} was removed.` });
            close();
          },
        });
      }}
    >
      {member && (
        <>
          Remove <b>{member.email}</b> from this organization? They lose access on their next request.
          {isSelf && ' This is you: you will lose access to this organization.'}
        </>
      )}
    </ConfirmModal>
  );
}
