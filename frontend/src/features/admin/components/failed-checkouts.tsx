import { Alert, Button, Card, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { formatDateTime } from '@/lib/format';

import type { AdminTenantDetail } from '../api/get-tenant';
import { useRetryTenantCheckout } from '../api/retry-tenant-checkout';

/**
 * Checkouts the tenant paid at Stripe whose job gave up (`failed_checkouts`): the plan did not
 * change although Stripe took the payment, and the tenant's billing page says so. System admins
 * retry each once what made it fail (usually Stripe unreachable) is fixed; support only sees them.
 */
export function FailedCheckouts({ detail, canWrite }: { detail: AdminTenantDetail; canWrite: boolean }) {
  const retry = useRetryTenantCheckout();
  const failed = detail.failed_checkouts;
  if (failed.length === 0) return null;

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
        <Table.ScrollContainer minWidth={600}>
          <Table fz="sm" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Stripe event</Table.Th>
                <Table.Th>Received</Table.Th>
                <Table.Th>Outcome</Table.Th>
                {canWrite && (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
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
                  <Table.Td>{formatDateTime(f.received_at)}</Table.Td>
                  <Table.Td>{f.outcome}</Table.Td>
                  {canWrite && (
                    <Table.Td>
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
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Card>
  );
}
