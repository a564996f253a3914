import { Badge, Card, DataList, Group, Skeleton, Stack, Text, Title } from '@mantine/core';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';

import { useStatus, type Status } from '../api/get-status';

/** Live service status from GET /api/v1/status, refreshed every 30 seconds. */
export function StatusCard() {
  const status = useStatus();

  return (
    <Card withBorder padding="md" radius="sm" aria-labelledby="status-card-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="status-card-title">
          Service status
        </Title>
        {status.isPending ? (
          <StatusSkeleton />
        ) : status.isError ? (
          <ApiErrorAlert error={status.error} onRetry={() => void status.refetch()} />
        ) : (
          <StatusDetails status={status.data} />
        )}
      </Stack>
    </Card>
  );
}

function StatusSkeleton() {
  return (
    <Stack gap="xs" aria-busy="true" aria-label="Loading status">
      {Array.from({ length: 5 }, (_, i) => (
        <Skeleton key={i} height={18} width={i % 2 === 0 ? '70%' : '55%'} />
      ))}
    </Stack>
  );
}

const missing = '—';

function StatusDetails({ status }: { status: Status }) {
  const databaseOk = status.database === 'ok';
  return (
    <DataList size="sm" gap="xs" labelWidth="140px" withDivider>
      <DataList.Item>
        <DataList.ItemLabel>Service</DataList.ItemLabel>
        <DataList.ItemValue data-testid="status-name">{status.name ?? missing}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Version</DataList.ItemLabel>
        <DataList.ItemValue data-testid="status-version">{status.version ?? missing}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Environment</DataList.ItemLabel>
        <DataList.ItemValue data-testid="status-environment">{status.environment ?? missing}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Database</DataList.ItemLabel>
        <DataList.ItemValue>
          <Badge color={databaseOk ? 'green' : 'red'} variant="light" data-testid="status-database">
            {status.database ?? 'unknown'}
          </Badge>
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Server time</DataList.ItemLabel>
        <DataList.ItemValue>
          {status.time ? <ServerTime value={status.time} /> : missing}
        </DataList.ItemValue>
      </DataList.Item>
    </DataList>
  );
}

function ServerTime({ value }: { value: string }) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return <Text size="sm">{value}</Text>;
  }
  return (
    <Group gap="xs" wrap="wrap">
      <time dateTime={value} data-testid="status-time">
        {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}
      </time>
      <Text size="xs" c="dimmed">
        {value}
      </Text>
    </Group>
  );
}
