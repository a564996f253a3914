import { Stack, Table, Text } from '@mantine/core';

import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { formatDateTime, formatStatus } from '@/lib/format';
import type { Package } from '@/lib/usage/get-usage';
import { sourceLabel } from '@/lib/usage/subscription-state';
import { usePhone } from '@/lib/use-phone';

import type { BillingEvent } from '../api/get-billing';
import { stripeEventLabel } from '../subscription-labels';

type BillingHistoryProps = {
  /** `subscription.changed` audit events, newest first (GET /billing/subscription `history`). */
  events: BillingEvent[];
  /** To show package names instead of codes. */
  packages?: Package[];
};

function text(data: BillingEvent['data'], key: string): string {
  const value = data?.[key];
  return typeof value === 'string' ? value : '';
}

/** What a row shows of a change, read out of its event's data once for the table and the card. */
type ChangeRow = {
  event: BillingEvent;
  /** The package and status changed to ("Pro · Active"), or the event's action. */
  change: string;
  /** What it was before, and whether it ends at the period's end. */
  note: string;
  source: string;
  reason: string;
};

function changeRow(event: BillingEvent, nameOf: (code: string) => string): ChangeRow {
  const data = event.data;
  const pkg = text(data, 'package');
  const status = text(data, 'status');
  const previous = text(data, 'previous_status');
  const source = text(data, 'source');
  const eventType = text(data, 'event_type');
  const note = [
    previous && previous !== status ? `was ${formatStatus(previous)}` : '',
    data?.['cancel_at_period_end'] === true ? 'ends at period end' : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    event,
    change: [pkg && nameOf(pkg), status && formatStatus(status)].filter(Boolean).join(' · ') || event.action,
    note,
    source,
    reason: text(data, 'reason') || (source === 'stripe' && eventType ? stripeEventLabel(eventType) : ''),
  };
}

function When({ row }: { row: ChangeRow }) {
  return <time dateTime={row.event.created_at}>{formatDateTime(row.event.created_at)}</time>;
}

function Change({ row }: { row: ChangeRow }) {
  return (
    <>
      <Text size="sm" fw={500}>
        {row.change}
      </Text>
      {row.note && (
        <Text size="xs" c="dimmed">
          {row.note}
        </Text>
      )}
    </>
  );
}

/** The columns after the change: the table's cells and each phone card's list. */
const columns: Column<ChangeRow>[] = [
  {
    label: 'Source',
    value: ({ event, source }) => (
      <>
        <Text size="sm">{sourceLabel(source || undefined)}</Text>
        {source !== 'manual' && source !== 'stripe' && event.actor_label && (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {event.actor_label}
          </Text>
        )}
      </>
    ),
  },
  {
    label: 'Reason',
    value: ({ reason }) => (
      <Text size="sm" style={{ wordBreak: 'break-word' }}>
        {reason || '—'}
      </Text>
    ),
  },
];

/**
 * Every change of the tenant's plan: when, what, who (Stripe or 1CloudAI staff) and why. In a
 * table, or on a phone a card per change (the 640px table put the source and reason past the edge
 * of 375 px).
 */
export function BillingHistory({ events, packages = [] }: BillingHistoryProps) {
  const phone = usePhone();
  if (events.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="billing-history-empty">
        No package changes yet.
      </Text>
    );
  }
  const nameOf = (code: string) => packages.find((p) => p.code === code)?.name ?? code;
  const rows = events.map((event) => changeRow(event, nameOf));

  if (phone) {
    return (
      <Stack gap="sm" data-testid="billing-history">
        {rows.map((row) => (
          <RowCard
            key={row.event.id}
            label={`${row.change}, ${formatDateTime(row.event.created_at)}`}
            data-testid="billing-history-row"
          >
            <Change row={row} />
            <Text size="xs" c="dimmed">
              <When row={row} />
            </Text>
            <ColumnList columns={columns} item={row} labelWidth="30%" mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped verticalSpacing="xs" fz="sm" data-testid="billing-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th>Change</Table.Th>
            <ColumnHeaders columns={columns} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.event.id} data-testid="billing-history-row">
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <When row={row} />
              </Table.Td>
              <Table.Td>
                <Change row={row} />
              </Table.Td>
              <ColumnCells columns={columns} item={row} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
