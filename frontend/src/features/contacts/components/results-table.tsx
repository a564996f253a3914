import { Anchor, Checkbox, Group, Stack, Table, Text, Tooltip, type MantineBreakpoint } from '@mantine/core';
import { IconBrandLinkedin, IconMail, IconPhone } from '@tabler/icons-react';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

import type { Contact } from '../api/search-contacts';
import { contactName, formatLocation } from '../labels';
import { SavedCell } from './saved-badges';

type ResultsTableProps = {
  contacts: Contact[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (checked: boolean) => void;
  /** Index of the row the keyboard moves; -1 for none. */
  activeIndex: number;
  onActiveChange: (index: number) => void;
  onOpen: (contact: Contact) => void;
  /** Whether rows can be picked (saving needs saved:write). */
  selectable: boolean;
  /** Extra columns at the end (the Saved page shows when a contact was saved), from a breakpoint. */
  extraColumns?: { header: string; cell: (contact: Contact) => ReactNode; visibleFrom?: MantineBreakpoint }[];
  /** From which width the location column shows (narrower screens keep name, title, company). */
  locationFrom?: MantineBreakpoint;
  /** Shows the list names and status (users who may read saved contacts). */
  showSaved?: boolean;
  label: string;
};

const emailStatusLabel: Record<Contact['email_status'], string> = {
  valid: 'Verified email',
  risky: 'Risky email',
  invalid: 'Invalid email',
  unknown: 'Email not verified',
};
const emailStatusColor: Record<Contact['email_status'], string> = {
  valid: 'var(--mantine-color-green-8)',
  risky: 'var(--mantine-color-orange-8)',
  invalid: 'var(--mantine-color-red-8)',
  unknown: 'var(--mantine-color-gray-6)',
};

/**
 * The dense results table: a checkbox per row, keyboard navigation (↑/↓ move the active row, Enter
 * opens it, Space picks it), saved status and lists per row.
 */
export function ResultsTable({
  contacts,
  selected,
  onToggle,
  onToggleAll,
  activeIndex,
  onActiveChange,
  onOpen,
  selectable,
  extraColumns = [],
  showSaved = true,
  locationFrom = 'lg',
  label,
}: ResultsTableProps) {
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const selectedHere = contacts.filter((c) => selected.has(c.id)).length;
  const allChecked = contacts.length > 0 && selectedHere === contacts.length;

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(contacts.length - 1, index));
    onActiveChange(next);
    const row = rows.current[next];
    row?.focus({ preventScroll: true });
    row?.scrollIntoView({ block: 'nearest' });
  };

  const onRowKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, index: number, contact: Contact) => {
    // The row and its checkbox move the same way; other controls in the row keep their keys, and
    // Space on the checkbox is the checkbox's own.
    const target = event.target as HTMLElement;
    const onCheckbox = target instanceof HTMLInputElement && target.type === 'checkbox';
    if (target !== event.currentTarget && !onCheckbox) return;
    if (onCheckbox && event.key === ' ') return;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        moveTo(index + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        moveTo(index - 1);
        break;
      case 'Home':
        event.preventDefault();
        moveTo(0);
        break;
      case 'End':
        event.preventDefault();
        moveTo(contacts.length - 1);
        break;
      case 'Enter':
        event.preventDefault();
        onOpen(contact);
        break;
      case ' ':
        event.preventDefault();
        if (selectable) onToggle(contact.id);
        break;
    }
  };

  // One row is reachable with Tab (the active one, else the first): the arrows do the rest.
  const tabbable = activeIndex >= 0 && activeIndex < contacts.length ? activeIndex : 0;

  // The table scrolls sideways inside its own container, never the page (a long name or domain
  // would otherwise widen the whole page at 390px and even at 1280px beside the filters). A header
  // cannot stick to the window from inside a scroll container, so the header is not sticky.
  return (
    <Table.ScrollContainer minWidth={0} type="native" data-testid="results-scroll">
      <Table
        highlightOnHover
        verticalSpacing={4}
        horizontalSpacing="xs"
        fz="sm"
        aria-label={label}
        data-testid="results-table"
      >
        <Table.Thead>
          <Table.Tr>
            {selectable && (
              <Table.Th w={32}>
                <Checkbox
                  size="xs"
                  aria-label="Select all loaded contacts"
                  checked={allChecked}
                  indeterminate={selectedHere > 0 && !allChecked}
                  onChange={(e) => onToggleAll(e.currentTarget.checked)}
                />
              </Table.Th>
            )}
            <Table.Th>Name</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th visibleFrom="sm">Company</Table.Th>
            <Table.Th visibleFrom={locationFrom}>Location</Table.Th>
            <Table.Th w={64} visibleFrom="md">
              Reach
            </Table.Th>
            {showSaved && <Table.Th visibleFrom="sm">Saved</Table.Th>}
            {extraColumns.map((column) => (
              <Table.Th key={column.header} visibleFrom={column.visibleFrom}>
                {column.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {contacts.map((contact, index) => {
            const name = contactName(contact);
            const active = index === activeIndex;
            const checked = selected.has(contact.id);
            return (
              <Table.Tr
                key={contact.id}
                ref={(node) => {
                  rows.current[index] = node;
                }}
                tabIndex={index === tabbable ? 0 : -1}
                data-testid="result-row"
                data-contact-id={contact.id}
                data-active={active || undefined}
                aria-current={active ? 'true' : undefined}
                bg={checked ? 'var(--mantine-primary-color-light)' : undefined}
                style={{
                  cursor: 'default',
                  outline: active ? '2px solid var(--mantine-primary-color-filled)' : undefined,
                  outlineOffset: -2,
                }}
                onFocus={(e) => {
                  if (e.target === e.currentTarget && !active) onActiveChange(index);
                }}
                onClick={() => onActiveChange(index)}
                onDoubleClick={() => onOpen(contact)}
                onKeyDown={(e) => onRowKeyDown(e, index, contact)}
              >
                {selectable && (
                  <Table.Td>
                    <Checkbox
                      size="xs"
                      aria-label={`Select ${name}`}
                      checked={checked}
                      onChange={() => onToggle(contact.id)}
                      onClick={(e) => e.stopPropagation()}
                    />
                  </Table.Td>
                )}
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Anchor
                      component="button"
                      type="button"
                      size="sm"
                      fw={500}
                      ta="left"
                      // Wide enough for a name's usual longest word, so "Venkatesh" is not cut into
                      // "Venkates" and "h" while other columns have room; a freak long word still wraps.
                      miw={120}
                      style={{ overflowWrap: 'anywhere' }}
                      tabIndex={-1}
                      onClick={() => onOpen(contact)}
                      data-testid="result-name"
                    >
                      {name}
                    </Anchor>
                    {contact.linkedin_url && (
                      <Anchor
                        href={contact.linkedin_url}
                        target="_blank"
                        rel="noreferrer"
                        tabIndex={-1}
                        aria-label={`${name} on LinkedIn`}
                        c="dimmed"
                        display="flex"
                      >
                        <IconBrandLinkedin size={14} aria-hidden />
                      </Anchor>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2} title={contact.title} dir="auto" miw={96} style={{ overflowWrap: 'anywhere' }}>
                    {contact.title || '—'}
                  </Text>
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  {/* Cut to one line each, as the title is to two: the whole value shows on hover. */}
                  <Stack gap={0}>
                    <Text size="sm" lineClamp={1} title={contact.company_name || undefined} dir="auto" style={{ overflowWrap: 'anywhere' }}>
                      {contact.company_name || '—'}
                    </Text>
                    {contact.company_domain && (
                      <Text size="xs" c="dimmed" lineClamp={1} title={contact.company_domain} style={{ overflowWrap: 'anywhere' }}>
                        {contact.company_domain}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td visibleFrom={locationFrom}>
                  <Text size="sm" lineClamp={1} title={formatLocation(contact) || undefined} style={{ overflowWrap: 'anywhere' }}>
                    {formatLocation(contact) || '—'}
                  </Text>
                </Table.Td>
                <Table.Td visibleFrom="md">
                  <Group gap={4} wrap="nowrap">
                    {contact.email ? (
                      <Tooltip label={emailStatusLabel[contact.email_status]}>
                        <IconMail size={16} color={emailStatusColor[contact.email_status]} aria-label={emailStatusLabel[contact.email_status]} />
                      </Tooltip>
                    ) : (
                      <IconMail size={16} opacity={0.2} aria-label="No email" />
                    )}
                    {contact.phone ? (
                      <Tooltip label="Phone">
                        <IconPhone size={16} aria-label="Has phone" />
                      </Tooltip>
                    ) : (
                      <IconPhone size={16} opacity={0.2} aria-label="No phone" />
                    )}
                  </Group>
                </Table.Td>
                {showSaved && (
                  <Table.Td visibleFrom="sm">
                    <SavedCell contact={contact} />
                  </Table.Td>
                )}
                {extraColumns.map((column) => (
                  <Table.Td key={column.header} visibleFrom={column.visibleFrom}>
                    {column.cell(contact)}
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
