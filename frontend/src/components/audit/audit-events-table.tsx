import { Box, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId } from 'react';

import type { components } from '@/api/schema';
import { type Column, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { formatDateTime } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

import { AuditDetails } from './audit-details';

export type AuditEvent = components['schemas']['AuditEvent'];

type AuditEventsTableProps = {
  events: AuditEvent[];
  /** The platform log shows which tenant each event belongs to. */
  showTenant?: boolean;
};

const hasDetails = (event: AuditEvent) => Object.keys(event.data ?? {}).length > 0;

function When({ event }: { event: AuditEvent }) {
  return <time dateTime={event.created_at}>{formatDateTime(event.created_at)}</time>;
}

/** The action's code: on one line in the table, broken anywhere on a phone's card. */
function Action({ event, wrap = false }: { event: AuditEvent; wrap?: boolean }) {
  return (
    <Code fz="xs" style={wrap ? { overflowWrap: 'anywhere' } : { whiteSpace: 'nowrap' }} data-testid="audit-action">
      {event.action}
    </Code>
  );
}

/** Who did it, what to, where from: the table's cells after the action, and each phone card's list. */
function columns(showTenant: boolean): Column<AuditEvent>[] {
  return [
    {
      label: 'Actor',
      value: (event) => (
        <>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {event.actor_label || event.actor_type}
          </Text>
          {event.actor_type !== 'user' && (
            <Text size="xs" c="dimmed">
              {event.actor_type === 'api_key' ? 'API key' : 'System'}
            </Text>
          )}
        </>
      ),
    },
    {
      label: 'Target',
      value: (event) => (
        <>
          <Text size="xs" c="dimmed">
            {event.target_type}
          </Text>
          <Text size="xs" style={{ wordBreak: 'break-all' }}>
            {event.target_id}
          </Text>
        </>
      ),
    },
    ...(showTenant
      ? [
          {
            label: 'Tenant',
            value: (event: AuditEvent) => (
              <Text size="xs" style={{ wordBreak: 'break-all' }}>
                {event.tenant_id ?? 'platform'}
              </Text>
            ),
          },
        ]
      : []),
    { label: 'IP', value: (event) => <Text size="xs">{event.ip || '—'}</Text> },
  ];
}

/**
 * One event on a phone: its action and time, the same labelled values as the table's row, and its
 * details folded behind a button that opens them across the card's whole width (in the list's value
 * column a changed package's details ran to a narrow strip twice the card's height).
 */
function AuditEventCard({ event, columns }: { event: AuditEvent; columns: Column<AuditEvent>[] }) {
  const [open, { toggle }] = useDisclosure(false);
  const detailsId = useId();
  return (
    <RowCard label={`${event.action}, ${formatDateTime(event.created_at)}`} data-testid="audit-event">
      <Group justify="space-between" gap="xs" align="baseline">
        <Action event={event} wrap />
        <Text size="xs" c="dimmed">
          <When event={event} />
        </Text>
      </Group>
      <ColumnList columns={columns} item={event} labelWidth="25%" mt="xs" />
      {hasDetails(event) && (
        <>
          <Group mt="xs">
            <Button size="xs" variant="subtle" onClick={toggle} aria-expanded={open} aria-controls={detailsId}>
              {open ? 'Hide details' : 'Details'}
            </Button>
          </Group>
          <Box id={detailsId} hidden={!open}>
            <AuditDetails data={event.data ?? {}} />
          </Box>
        </>
      )}
    </RowCard>
  );
}

/**
 * Audit events, newest first, as GET /tenant/audit-events and GET /admin/audit-events list them: in
 * a table, or on a phone a card per event (the 800px table put the actor, target and details past
 * the edge of 375 px).
 */
export function AuditEventsTable({ events, showTenant = false }: AuditEventsTableProps) {
  const phone = usePhone();
  const cols = columns(showTenant);
  if (phone) {
    return (
      <Stack gap="sm" data-testid="audit-event-cards">
        {events.map((event) => (
          <AuditEventCard key={event.id} event={event} columns={cols} />
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped highlightOnHover verticalSpacing="xs" fz="sm" data-testid="audit-events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Action</Table.Th>
            {cols.map((column) => (
              <Table.Th key={column.label}>{column.label}</Table.Th>
            ))}
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id} data-testid="audit-event">
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <When event={event} />
              </Table.Td>
              <Table.Td>
                <Action event={event} />
              </Table.Td>
              {cols.map((column) => (
                <Table.Td key={column.label}>{column.value(event)}</Table.Td>
              ))}
              <Table.Td>
                {hasDetails(event) ? (
                  <Box maw={320}>
                    <AuditDetails data={event.data ?? {}} />
                  </Box>
                ) : (
                  <Text size="xs" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
