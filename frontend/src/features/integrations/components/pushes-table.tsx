import { Anchor, Stack, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';

import { selectionLabel } from '@/components/crm/labels';
import { PushStatusBadge } from '@/components/crm/push-status-badge';
import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import type { CrmPush } from '@/lib/crm/get-crm-push';
import { formatDateTime, formatNumber } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';


/** The columns after Started, in order: the table's cells and each phone card's list. */
const columns: Column<CrmPush>[] = [
  { label: 'Status', value: (push) => <PushStatusBadge status={push.status} /> },
  { label: 'Contacts', value: (push) => selectionLabel(push.selection) },
  { label: 'Total', numeric: true, value: (push) => <span data-testid="push-total">{formatNumber(push.total)}</span> },
  {
    label: 'Pushed',
    numeric: true,
    value: (push) => (
      <Tooltip label={`${formatNumber(push.created)} created, ${formatNumber(push.updated)} updated`}>
        <Text span size="sm" data-testid="push-pushed">
          {formatNumber(push.created + push.updated)}
        </Text>
      </Tooltip>
    ),
  },
  { label: 'Skipped', numeric: true, value: (push) => <span data-testid="push-skipped">{formatNumber(push.skipped)}</span> },
  { label: 'Rejected', numeric: true, value: (push) => <span data-testid="push-rejected">{formatNumber(push.rejected)}</span> },
  {
    label: 'Failed',
    numeric: true,
    value: (push) => {
      const failed = push.failed + push.deleted_in_crm;
      return (
        <Text span size="sm" c={failed > 0 ? 'red' : undefined} data-testid="push-failed">
          {formatNumber(failed)}
        </Text>
      );
    },
  },
  {
    label: 'Requested by',
    value: (push) => (
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {push.requested_by_label || (push.requested_by ? push.requested_by : 'API key')}
      </Text>
    ),
  },
];

/** When the push started, linking to its detail page. */
function Started({ push }: { push: CrmPush }) {
  return (
    <Anchor component={Link} to={`/integrations/pushes/${push.id}`} size="sm">
      <time dateTime={push.created_at}>{formatDateTime(push.created_at)}</time>
    </Anchor>
  );
}

/**
 * Pushes, newest first, with their counts; each opens its detail page. In a table, or on a phone a
 * card per push, so that its status and counts are on the screen (the table is 900px wide).
 */
export function PushesTable({ pushes }: { pushes: CrmPush[] }) {
  const phone = usePhone();
  if (phone) {
    return (
      <Stack gap="sm" data-testid="crm-pushes-cards">
        {pushes.map((push) => (
          <RowCard
            key={push.id}
            label={`Push of ${formatDateTime(push.created_at)}`}
            data-testid="push-row"
            data-push-id={push.id}
          >
            <Started push={push} />
            <ColumnList columns={columns} item={push} mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" fz="sm" data-testid="crm-pushes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <ColumnHeaders columns={columns} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pushes.map((push) => (
            <Table.Tr key={push.id} data-testid="push-row" data-push-id={push.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Started push={push} />
              </Table.Td>
              <ColumnCells columns={columns} item={push} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
