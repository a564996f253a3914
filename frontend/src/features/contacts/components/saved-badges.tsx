import { Badge, Group, Text, Tooltip } from '@mantine/core';

import type { Contact } from '../api/search-contacts';

const statusColor = { saved: 'blue', approved: 'green', rejected: 'red' } as const;
const statusLabel = { saved: 'Saved', approved: 'Approved', rejected: 'Rejected' } as const;

// The theme keeps badges whole; a list name may be long, so its badge is capped and ends in "…".
const cappedBadge = { root: { overflow: 'hidden' }, label: { overflow: 'hidden' } } as const;

/** "Saved" / "Approved" / "Rejected" for a saved contact; nothing for the rest. */
export function SavedStatusBadge({ contact }: { contact: Pick<Contact, 'saved' | 'saved_status'> }) {
  if (!contact.saved) return null;
  const status = contact.saved_status ?? 'saved';
  return (
    <Badge size="xs" variant="light" color={statusColor[status]} data-testid="saved-status">
      {statusLabel[status]}
    </Badge>
  );
}

/** The lists a contact is on, as small badges; more than `max` collapse into "+N". */
export function ListBadges({ lists = [], max = 2 }: { lists: Contact['lists']; max?: number }) {
  if (lists.length === 0) return null;
  const shown = lists.slice(0, max);
  const hidden = lists.slice(max);
  return (
    <Group gap={4} wrap="wrap" data-testid="list-names">
      {shown.map((list) => (
        // Cut to fit: the whole name shows on hover, in its own direction.
        <Badge key={list.id} size="xs" variant="outline" color="gray" tt="none" maw={110} styles={cappedBadge} title={list.name} dir="auto">
          {list.name}
        </Badge>
      ))}
      {hidden.length > 0 && (
        <Tooltip label={hidden.map((l) => l.name).join(', ')}>
          <Text span size="xs" c="dimmed">
            +{hidden.length}
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}

/** Status and lists together, for a table cell. */
export function SavedCell({ contact }: { contact: Contact }) {
  if (!contact.saved) return null;
  return (
    <Group gap={4} wrap="wrap">
      <SavedStatusBadge contact={contact} />
      <ListBadges lists={contact.lists} />
    </Group>
  );
}
