import { ActionIcon, Button, CloseButton, Group, Menu, Skeleton, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { useRef, useState } from 'react';

import { ConfirmModal } from '@/components/confirm-modal';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { formatCount, formatNumber } from '@/lib/format';
import { isolated } from '@/lib/text';

import { useDeleteList } from '../api/delete-list';
import { useLists, type ContactList } from '../api/list-lists';
import { ListNameModal } from './list-name-modal';

type ListsSidebarProps = {
  /** The list the saved view shows; null for all saved contacts. */
  current: string | null;
  onSelect: (listId: string | null) => void;
  canWrite: boolean;
};

/** From this many lists on, a box above them filters them by name (an organization may have 500). */
const listFilterFrom = 10;

/** Whether a list's name holds what was typed in the filter, whatever the case. */
function listNameMatches(name: string, query: string): boolean {
  const q = query.trim().toLocaleLowerCase();
  return q === '' || name.toLocaleLowerCase().includes(q);
}

/** The organization's lists with member counts: pick one to filter; create, rename, delete. */
export function ListsSidebar({ current, onSelect, canWrite }: ListsSidebarProps) {
  const lists = useLists();
  const remove = useDeleteList();
  const [naming, setNaming] = useState<'new' | ContactList | null>(null);
  const [deleting, setDeleting] = useState<ContactList | null>(null);
  const [query, setQuery] = useState('');
  // Rename and Delete open their dialog from the list's menu, whose item is gone once the dialog
  // closes: Mantine would return focus to it and keyboard users landed at the top of the page.
  // Focus goes back to the list's actions button, or to "All saved contacts" once the list is gone.
  const actionButtons = useRef(new Map<string, HTMLButtonElement>());
  const allButton = useRef<HTMLButtonElement>(null);
  const focusActions = (id: string) => actionButtons.current.get(id)?.focus();

  const item = (id: string | null, label: string, count?: number, list?: ContactList) => {
    const selected = current === id;
    return (
      <Group
        key={id ?? 'all'}
        gap={4}
        wrap="nowrap"
        justify="space-between"
        px={8}
        py={4}
        bg={selected ? 'var(--mantine-primary-color-light)' : undefined}
        style={{ borderRadius: 'var(--mantine-radius-sm)' }}
        data-testid={list ? 'list-item' : undefined}
      >
        <UnstyledButton
          ref={id === null ? allButton : undefined}
          onClick={() => onSelect(id)}
          aria-current={selected ? 'true' : undefined}
          style={{ flex: 1, minWidth: 0 }}
          fz="sm"
          fw={selected ? 600 : 400}
        >
          <Group gap={6} wrap="nowrap" justify="space-between">
            {/* A long name is cut: the whole of it shows on hover. dir="auto" sets an Arabic or
                Hebrew name right to left, its "…" at its end. */}
            <Text span size="sm" truncate="end" fw="inherit" title={label} dir="auto">
              {label}
            </Text>
            {count !== undefined && (
              <Text span size="xs" c="dimmed" data-testid="list-count">
                {formatNumber(count)}
              </Text>
            )}
          </Group>
        </UnstyledButton>
        {list && canWrite && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon
                ref={(node: HTMLButtonElement | null) => {
                  if (node) actionButtons.current.set(list.id, node);
                  else actionButtons.current.delete(list.id);
                }}
                variant="subtle"
                color="gray"
                size="sm"
                aria-label={`Actions for list ${list.name}`}
              >
                <IconDots size={14} aria-hidden />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={14} aria-hidden />} onClick={() => setNaming(list)}>
                Rename
              </Menu.Item>
              <Menu.Item color="red" leftSection={<IconTrash size={14} aria-hidden />} onClick={() => setDeleting(list)}>
                Delete
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
    );
  };

  return (
    <Stack gap={4} component="nav" aria-label="Lists">
      <Group justify="space-between" mb={4}>
        <Title order={2} size="h5">
          Lists
        </Title>
        {canWrite && (
          <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={12} aria-hidden />} onClick={() => setNaming('new')}>
            New list
          </Button>
        )}
      </Group>
      {item(null, 'All saved contacts')}
      {lists.isPending ? (
        <Skeleton height={80} aria-label="Loading lists" />
      ) : lists.isError ? (
        <ApiErrorAlert error={lists.error} onRetry={() => void lists.refetch()} />
      ) : lists.data.items.length === 0 ? (
        <Text size="xs" c="dimmed" px={8} py={4}>
          No lists yet. Lists group saved contacts, e.g. for a campaign.
        </Text>
      ) : (
        <>
          {lists.data.items.length >= listFilterFrom && (
            <TextInput
              size="xs"
              my={4}
              aria-label="Filter lists"
              placeholder="Filter lists"
              leftSection={<IconSearch size={12} aria-hidden />}
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
              rightSection={query && <CloseButton size="xs" aria-label="Clear the list filter" onClick={() => setQuery('')} />}
            />
          )}
          {lists.data.items
            // The list on view stays in the sidebar whatever the filter says.
            .filter((list) => list.id === current || listNameMatches(list.name, query))
            .map((list) => item(list.id, list.name, list.member_count, list))}
          {query.trim() !== '' && !lists.data.items.some((list) => listNameMatches(list.name, query)) && (
            <Text size="xs" c="dimmed" px={8} py={4} data-testid="lists-no-match">
              No list name holds “<bdi>{query.trim()}</bdi>”.
            </Text>
          )}
        </>
      )}

      <ListNameModal
        target={naming}
        onClose={() => {
          if (naming !== null && naming !== 'new') focusActions(naming.id);
          setNaming(null);
        }}
        onCreated={(list) => onSelect(list.id)}
      />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete list"
        confirmLabel="Delete list"
        loading={remove.isPending}
        error={remove.error}
        onClose={() => {
          if (deleting) focusActions(deleting.id);
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => {
          if (!deleting) return;
          const list = deleting;
          remove.mutate(list.id, {
            onSuccess: () => {
              notifications.show({ color: 'green', message: `List “${isolated(list.name)}” deleted${keptNote(list.member_count)}.` });
              if (current === list.id) onSelect(null);
              allButton.current?.focus();
              setDeleting(null);
            },
          });
        }}
      >
        Delete “<bdi>{deleting?.name}</bdi>”? {deleting && confirmText(deleting.member_count)}
      </ConfirmModal>
    </Stack>
  );
}

/** What deleting a list of `members` contacts leaves: the contacts stay saved (an empty list has none). */
function confirmText(members: number): string {
  if (members === 0) return 'It has no contacts; only the list goes.';
  if (members === 1) return 'Its contact stays saved; only the list goes.';
  return `Its ${formatCount(members, 'contact')} stay saved; only the list goes.`;
}

function keptNote(members: number): string {
  if (members === 0) return '';
  return members === 1 ? '; its contact stays saved' : '; its contacts stay saved';
}
