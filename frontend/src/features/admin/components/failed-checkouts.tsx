import { Alert, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ActionsHeader, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { formatDateTime } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

import type { AdminTenantDetail } from '../api/get-tenant';
import { useRetryTenantCheckout } from '../api/retry-tenant-checkout';

type FailedCheckout = AdminTenantDetail['failed_checkouts'][number];

/** The columns after the Stripe event, in order: the table's cells and each phone card's list. */
const columns: Column<FailedCheckout>[] = [
  { label: 'Received', value: (f) => formatDateTime(f.received_at) },
  { label: 'Outcome', value: (f) => f.outcome },
];

/**
 * Checkouts the tenant paid at Stripe whose job gave up (`failed_checkouts`): the plan did not
 * change although Stripe took the payment, and the tenant's billing page says so. System admins
 * retry each once what made it fail (usually Stripe unreachable) is fixed; support only sees them.
 * On a phone a card per checkout, its Retry on the card: the table is 600px wide.
 */
export function FailedCheckouts({ detail, canWrite }: { detail: AdminTenantDetail; canWrite: boolean }) {
  const retry = useRetryTenantCheckout();
  const phone = usePhone();
  const failed = detail.failed_checkouts;
  if (failed.length === 0) return null;

  const retryButton = (f: FailedCheckout) => (
    <Button
      size="xs"
      variant="light"
      aria-label={`Retry ${f.event_id}`}
      loading={retry.isPending && retry.variables.eventId === f.event_id}
      disabled={retry.isPending}
      onClick={() => retry.mutate({ id: detail.tenant.id, eventId: f.event_id })}
    >
      Retry
    </Button>
  );

  return (
    <Card withBorder padding="md" data-testid="admin-failed-checkouts">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Paid checkouts not applied
        </Title>
        <Alert color="orange" variant="light">
          Stripe took these payments but the job that applies them gave up, so the tenant&apos;s package has not changed.
          {canWrite
            ? ' Retry once Stripe answers again: a new job runs with fresh attempts.'
            : ' A system admin can retry them.'}
        </Alert>
        {retry.isError && <ApiErrorAlert error={retry.error} />}
        {phone ? (
          <Stack gap="sm" data-testid="admin-failed-checkouts-cards">
            {failed.map((f) => (
              <RowCard key={f.event_id} label={f.event_id}>
                <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {f.event_id}
                </Text>
                <ColumnList columns={columns} item={f} mt="xs" />
                {canWrite && (
                  <Group gap="xs" mt="xs">
                    {retryButton(f)}
                  </Group>
                )}
              </RowCard>
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={600}>
            <Table fz="sm" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Stripe event</Table.Th>
                  <ColumnHeaders columns={columns} />
                  {canWrite && (
                    <ActionsHeader />
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {failed.map((f) => (
                  <Table.Tr key={f.event_id}>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {f.event_id}
                      </Text>
                    </Table.Td>
                    <ColumnCells columns={columns} item={f} />
                    {canWrite && <Table.Td>{retryButton(f)}</Table.Td>}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
