import { Anchor, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';

import { selectionLabel } from '@/components/crm/labels';
import { PushStatusBadge } from '@/components/crm/push-status-badge';
import type { CrmPush } from '@/lib/crm/get-crm-push';
import { formatDateTime, formatNumber } from '@/lib/format';

/** Pushes, newest first, with their counts; each opens its detail page. */
export function PushesTable({ pushes }: { pushes: CrmPush[] }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" fz="sm" data-testid="crm-pushes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Contacts</Table.Th>
            <Table.Th ta="right">Total</Table.Th>
            <Table.Th ta="right">Pushed</Table.Th>
            <Table.Th ta="right">Skipped</Table.Th>
            <Table.Th ta="right">Rejected</Table.Th>
            <Table.Th ta="right">Failed</Table.Th>
            <Table.Th>Requested by</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pushes.map((push) => {
            const pushed = push.created + push.updated;
            const failed = push.failed + push.deleted_in_crm;
            return (
              <Table.Tr key={push.id} data-testid="push-row" data-push-id={push.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Anchor component={Link} to={`/integrations/pushes/${push.id}`} size="sm">
                    <time dateTime={push.created_at}>{formatDateTime(push.created_at)}</time>
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <PushStatusBadge status={push.status} />
                </Table.Td>
                <Table.Td>{selectionLabel(push.selection)}</Table.Td>
                <Table.Td ta="right" data-testid="push-total">
                  {formatNumber(push.total)}
                </Table.Td>
                <Table.Td ta="right">
                  <Tooltip label={`${formatNumber(push.created)} created, ${formatNumber(push.updated)} updated`}>
                    <Text span size="sm" data-testid="push-pushed">
                      {formatNumber(pushed)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td ta="right" data-testid="push-skipped">
                  {formatNumber(push.skipped)}
                </Table.Td>
                <Table.Td ta="right" data-testid="push-rejected">
                  {formatNumber(push.rejected)}
                </Table.Td>
                <Table.Td ta="right" data-testid="push-failed">
                  <Text span size="sm" c={failed > 0 ? 'red' : undefined}>
                    {formatNumber(failed)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{push.requested_by_label || (push.requested_by ? push.requested_by : 'API key')}</Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
