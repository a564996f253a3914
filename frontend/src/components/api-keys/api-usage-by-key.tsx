import { Anchor, Code, Skeleton, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { type ApiKey, useApiKeys } from '@/lib/api-keys/list-api-keys';
import { usePhone } from '@/lib/use-phone';

import { ApiKeyStatusBadge } from './api-key-status-badge';
import { ApiKeyUsageSummary } from './api-key-usage-summary';

/** The columns after the key's name: the table's cells and each phone card's list. */
const columns: Column<ApiKey>[] = [
  { label: 'Prefix', value: (key) => <Code>{key.prefix}</Code> },
  { label: 'Status', value: (key) => <ApiKeyStatusBadge status={key.status} /> },
  { label: 'Requests, last 30 days', value: (key) => <ApiKeyUsageSummary keyId={key.id} keyName={key.name} /> },
];

/**
 * Every API key of the tenant with its requests over the last 30 days (sparkline and total): in a
 * table, or on a phone a card per key (the 560px table put the usage past the edge of 375 px).
 * For org admins (`api_keys:manage`): the Billing page's "API usage" section.
 */
export function ApiUsageByKey() {
  const keys = useApiKeys();
  const phone = usePhone();
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
  if (phone) {
    return (
      <Stack gap="sm" data-testid="api-usage-cards">
        {keys.data.items.map((key) => (
          <RowCard
            key={key.id}
            label={`${key.name} (${key.prefix})`}
            data-testid="api-usage-row"
            data-key-id={key.id}
          >
            <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
              {key.name}
            </Text>
            <ColumnList columns={columns} item={key} mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs" fz="sm" data-testid="api-usage-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <ColumnHeaders columns={columns} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.data.items.map((key) => (
            <Table.Tr key={key.id} data-testid="api-usage-row" data-key-id={key.id}>
              <Table.Td>{key.name}</Table.Td>
              <ColumnCells columns={columns} item={key} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
