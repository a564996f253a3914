import { Group, Skeleton, Text, Tooltip } from '@mantine/core';

import { Sparkline } from '@/components/charts/sparkline';
import { isApiError } from '@/lib/api-error';
import { useApiKeyUsage } from '@/lib/api-keys/get-api-key-usage';
import { formatNumber } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

type ApiKeyUsageSummaryProps = {
  keyId: string;
  /** The key's name, for the chart's accessible label. */
  keyName: string;
};

/** A key's requests per day over the last 30 days as a sparkline, and their total. */
export function ApiKeyUsageSummary({ keyId, keyName }: ApiKeyUsageSummaryProps) {
  const usage = useApiKeyUsage(keyId);
  const phone = usePhone();
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
    // On a phone the total goes under the chart where both do not fit side by side: a card (375 px)
    // has about 190 px for the value, and cut "1,334 requests" off at its edge. In a table, where a
    // wrap would take the room the table gives, they stay on one line.
    <Group gap="xs" wrap={phone ? 'wrap' : 'nowrap'} data-testid="api-key-usage">
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
