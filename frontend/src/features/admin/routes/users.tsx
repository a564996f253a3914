import { Badge, Button, Group, Select, Skeleton, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import { type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { PageHeader } from '@/components/layout/page-header';
import { RowCard } from '@/components/layout/row-card';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { isApiError } from '@/lib/api-error';
import { useSession } from '@/lib/auth/session';
import { formatDate, formatDateTime, formatRole } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { usePhone } from '@/lib/use-phone';
import { useDraft } from '@/lib/use-draft';

import { useUsers, type AdminUser } from '../api/list-users';
import { useSetUserSystemRole, type SystemRole } from '../api/set-user-system-role';
import { useCanWrite } from '../use-can-write';

const systemRoles: { value: SystemRole; label: string }[] = [
  { value: 'user', label: 'User' },
  { value: 'support', label: 'Support' },
  { value: 'system_admin', label: 'System admin' },
];

/**
 * /admin/users: search accounts; system admins change a user's system role. The search lives in the
 * URL (?q=…): a reload, a shared link and Back keep it.
 */
export function AdminUsersRoute() {
  useDocumentTitle('Users · Admin');
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const users = useUsers(q);
  const items = users.data?.pages.flatMap((page) => page.items) ?? [];
  // Back or Forward change the search in the URL: the box shows it.
  const [draft, setDraft] = useDraft(q);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = draft.trim();
    setParams(next ? { q: next } : {}, { preventScrollReset: true });
  };

  return (
    <Stack gap="md">
      <PageHeader title="Users" description="Every account on the platform and its system role." />
      <form onSubmit={submit} aria-label="Search users">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Search"
            placeholder="Email or name"
            w={320}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
          />
          <Button type="submit" variant="light" leftSection={<IconSearch size={16} aria-hidden />}>
            Search
          </Button>
        </Group>
      </form>
      {users.isPending ? (
        <Skeleton height={200} aria-label="Loading users" />
      ) : users.isError ? (
        <ApiErrorAlert error={users.error} onRetry={() => void users.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No users match.
        </Text>
      ) : (
        <>
          <UsersTable users={items} />
          <LoadMoreButton query={users} />
        </>
      )}
    </Stack>
  );
}

function UsersTable({ users }: { users: AdminUser[] }) {
  const canWrite = useCanWrite();
  const session = useSession();
  const setRole = useSetUserSystemRole();
  const selfId = session.status === 'signed-in' ? session.user.id : undefined;
  const phone = usePhone();

  const change = (user: AdminUser, systemRole: SystemRole) => {
    if (systemRole === user.system_role) return;
    setRole.mutate(
      { id: user.id, systemRole },
      {
        onSuccess: (updated) =>
          notifications.show({ color: 'green', message: `${updated.email} is now ${formatRole(updated.system_role)}.` }),
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: 'System role not changed',
            message: isApiError(error) ? error.detail || error.title : String(error),
          }),
      },
    );
  };

  const columns: Column<AdminUser>[] = [
    { label: 'Name', value: (user) => user.name || '—' },
    {
      label: 'System role',
      value: (user) =>
        canWrite && user.id !== selfId ? (
          <Select
            aria-label={`System role of ${user.email}`}
            size="xs"
            w={160}
            maw="100%"
            data={systemRoles}
            value={user.system_role}
            allowDeselect={false}
            disabled={setRole.isPending && setRole.variables?.id === user.id}
            onChange={(value) => value && change(user, value)}
          />
        ) : (
          <Badge variant="light" color={user.system_role === 'user' ? 'gray' : 'violet'}>
            {formatRole(user.system_role)}
          </Badge>
        ),
    },
    { label: 'Created', value: (user) => formatDate(user.created_at) },
    { label: 'Last sign-in', value: (user) => (user.last_login_at ? formatDateTime(user.last_login_at) : 'Never') },
  ];

  // On a phone a card per account: the table is 720px wide and put the role past the edge of 375 px.
  if (phone) {
    return (
      <Stack gap="sm" data-testid="users-cards">
        {users.map((user) => (
          <RowCard key={user.id} label={user.email} data-testid="user-row">
            <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }} data-testid="user-email">
              {user.email}
            </Text>
            <ColumnList columns={columns} item={user} mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table highlightOnHover verticalSpacing="xs" fz="sm" data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <ColumnHeaders columns={columns} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id} data-testid="user-row">
              <Table.Td data-testid="user-email">{user.email}</Table.Td>
              <ColumnCells columns={columns} item={user} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
