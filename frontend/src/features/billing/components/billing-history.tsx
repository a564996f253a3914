import { Table, Text } from '@mantine/core';

import { formatDateTime, formatStatus } from '@/lib/format';
import type { Package } from '@/lib/usage/get-usage';
import { sourceLabel } from '@/lib/usage/subscription-state';

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

/** Every change of the tenant's plan: when, what, who (Stripe or 1CloudAI staff) and why. */
export function BillingHistory({ events, packages = [] }: BillingHistoryProps) {
  if (events.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="billing-history-empty">
        No package changes yet.
      </Text>
    );
  }
  const nameOf = (code: string) => packages.find((p) => p.code === code)?.name ?? code;

  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped verticalSpacing="xs" fz="sm" data-testid="billing-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th>Change</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => {
            const data = event.data;
            const pkg = text(data, 'package');
            const status = text(data, 'status');
            const previous = text(data, 'previous_status');
            const source = text(data, 'source');
            const eventType = text(data, 'event_type');
            const reason = text(data, 'reason') || (source === 'stripe' && eventType ? stripeEventLabel(eventType) : '');
            return (
              <Table.Tr key={event.id} data-testid="billing-history-row">
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <time dateTime={event.created_at}>{formatDateTime(event.created_at)}</time>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {[pkg && nameOf(pkg), status && formatStatus(status)].filter(Boolean).join(' · ') || event.action}
                  </Text>
                  {(previous && previous !== status) || data?.['cancel_at_period_end'] === true ? (
                    <Text size="xs" c="dimmed">
                      {[
                        previous && previous !== status ? `was ${formatStatus(previous)}` : '',
                        data?.['cancel_at_period_end'] === true ? 'ends at period end' : '',
                      ]
                        .filter(Boolean)
                        .join('; ')}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{sourceLabel(source || undefined)}</Text>
                  {source !== 'manual' && source !== 'stripe' && event.actor_label && (
                    <Text size="xs" c="dimmed">
                      {event.actor_label}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ wordBreak: 'break-word' }}>
                    {reason || '—'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
