import { Group, Skeleton, Text, Tooltip } from '@mantine/core';

import { Sparkline } from '@/components/charts/sparkline';
import { isApiError } from '@/lib/api-error';
import { useApiKeyUsage } from '@/lib/api-keys/get-api-key-usage';
import { formatNumber } from '@/lib/format';

type ApiKeyUsageSummaryProps = {
  keyId: string;
  /** The key's name, for the chart's accessible label. */
  keyName: string;
};

/** A key's requests per day over the last 30 days as a sparkline, and their total. */
export function ApiKeyUsageSummary({ keyId, keyName }: ApiKeyUsageSummaryProps) {
  const usage = useApiKeyUsage(keyId);
  if (usage.isPending) return <Skeleton width={180} height={28} aria-label={`Loading the usage of ${keyName}`} />;
  if (usage.isError) {
    const reason = isApiError(usage.error) ? usage.error.detail || usage.error.title : String(usage.error);
    return (
      <Tooltip label={reason}>
        <Text size="xs" c="dimmed" data-testid="api-key-usage-error">
          Usage unavailable
        </Text>
      </Tooltip>
    );
  }
  const { days, total } = usage.data;
  return (
    <Group gap="xs" wrap="nowrap" data-testid="api-key-usage">
      <Sparkline
        data={days.map((d) => d.requests)}
        label={`Requests per day of ${keyName}, last 30 days: ${formatNumber(total)} in total`}
      />
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        <Text span fw={600} data-testid="api-key-usage-total">
          {formatNumber(total)}
        </Text>{' '}
        {total === 1 ? 'request' : 'requests'}
      </Text>
    </Group>
  );
}
