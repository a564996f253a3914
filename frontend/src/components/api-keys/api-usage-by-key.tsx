import { Anchor, Code, Skeleton, Table, Text } from '@mantine/core';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { useApiKeys } from '@/lib/api-keys/list-api-keys';

import { ApiKeyStatusBadge } from './api-key-status-badge';
import { ApiKeyUsageSummary } from './api-key-usage-summary';

/**
 * Every API key of the tenant with its requests over the last 30 days (sparkline and total).
 * For org admins (`api_keys:manage`): the Billing page's "API usage" section.
 */
export function ApiUsageByKey() {
  const keys = useApiKeys();
  if (keys.isPending) return <Skeleton height={80} aria-label="Loading API keys" />;
  if (keys.isError) return <ApiErrorAlert error={keys.error} onRetry={() => void keys.refetch()} />;
  if (keys.data.items.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="api-usage-empty">
        No API keys yet.{' '}
        <Anchor component={Link} to="/api-keys" size="sm">
          Create one on the API keys page
        </Anchor>{' '}
        to connect an integration.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs" fz="sm" data-testid="api-usage-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>Prefix</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Requests, last 30 days</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.data.items.map((key) => (
            <Table.Tr key={key.id} data-testid="api-usage-row" data-key-id={key.id}>
              <Table.Td>{key.name}</Table.Td>
              <Table.Td>
                <Code>{key.prefix}</Code>
              </Table.Td>
              <Table.Td>
                <ApiKeyStatusBadge status={key.status} />
              </Table.Td>
              <Table.Td>
                <ApiKeyUsageSummary keyId={key.id} keyName={key.name} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
