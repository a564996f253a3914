import { Box, Code, Table, Text } from '@mantine/core';

import type { components } from '@/api/schema';
import { formatDateTime } from '@/lib/format';

import { AuditDetails } from './audit-details';

export type AuditEvent = components['schemas']['AuditEvent'];

type AuditEventsTableProps = {
  events: AuditEvent[];
  /** The platform log shows which tenant each event belongs to. */
  showTenant?: boolean;
};

/** Audit events, newest first, as GET /tenant/audit-events and GET /admin/audit-events list them. */
export function AuditEventsTable({ events, showTenant = false }: AuditEventsTableProps) {
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped highlightOnHover verticalSpacing="xs" fz="sm" data-testid="audit-events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Target</Table.Th>
            {showTenant && <Table.Th>Tenant</Table.Th>}
            <Table.Th>IP</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id} data-testid="audit-event">
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <time dateTime={event.created_at}>{formatDateTime(event.created_at)}</time>
              </Table.Td>
              <Table.Td>
                <Code fz="xs" style={{ whiteSpace: 'nowrap' }} data-testid="audit-action">
                  {event.action}
                </Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{event.actor_label || event.actor_type}</Text>
                {event.actor_type !== 'user' && (
                  <Text size="xs" c="dimmed">
                    {event.actor_type === 'api_key' ? 'API key' : 'System'}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {event.target_type}
                </Text>
                <Text size="xs" style={{ wordBreak: 'break-all' }}>
                  {event.target_id}
                </Text>
              </Table.Td>
              {showTenant && (
                <Table.Td>
                  <Text size="xs" style={{ wordBreak: 'break-all' }}>
                    {event.tenant_id ?? 'platform'}
                  </Text>
                </Table.Td>
              )}
              <Table.Td>
                <Text size="xs">{event.ip || '—'}</Text>
              </Table.Td>
              <Table.Td>
                {Object.keys(event.data ?? {}).length > 0 ? (
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
