import { Alert, Badge, Text, Tooltip } from '@mantine/core';
import { IconGauge } from '@tabler/icons-react';
import { useState } from 'react';

import { ComparePackagesLink } from '@/components/usage/compare-packages-link';
import { isApiError } from '@/lib/api-error';
import { formatNumber, formatResetTime } from '@/lib/format';
import { useUsage } from '@/lib/usage/get-usage';

import { useSearchQuota, type SearchQuota } from '../api/search-contacts';

/** The monthly searches: the last search's X-Quota-Searches-* headers, else GET /tenant/usage. */
function useSearchesLeft(): SearchQuota | null {
  const fromHeaders = useSearchQuota();
  const usage = useUsage();
  const quota = usage.data?.quotas.find((q) => q.metric === 'searches');
  const fromUsage = quota ? { limit: quota.limit, used: quota.used, remaining: quota.remaining, resetAt: quota.reset_at } : null;
  if (fromHeaders && fromHeaders.limit < 0) {
    return fromUsage ? { ...fromUsage, used: fromUsage.limit, remaining: 0 } : { ...fromHeaders, limit: 0, used: 0 };
  }
  return fromHeaders ?? fromUsage;
}

/** "87 searches left": a new search uses one, its further pages are free. */
export function SearchQuotaBadge() {
  const quota = useSearchesLeft();
  if (!quota) return null;
  const low = quota.limit > 0 && quota.remaining <= Math.max(5, quota.limit * 0.1);
  return (
    <Tooltip
      multiline
      w={260}
      label={`${formatNumber(quota.used)} of ${formatNumber(quota.limit)} searches used this month${
        quota.resetAt ? `; resets ${formatResetTime(quota.resetAt)}` : ''
      }. A new search uses one; scrolling through its results is free.`}
    >
      <Badge
        size="lg"
        variant="light"
        color={quota.remaining === 0 ? 'red' : low ? 'orange' : 'gray'}
        leftSection={<IconGauge size={14} aria-hidden />}
        tt="none"
        fw={500}
        tabIndex={0}
      >
        <span data-testid="searches-remaining">{formatNumber(quota.remaining)}</span> searches left this month
      </Badge>
    </Tooltip>
  );
}

/** The search quota is used up: when it comes back, and where to get more. */
export function QuotaExceededAlert({ error }: { error: unknown }) {
  const usage = useUsage();
  const fromHeaders = useSearchQuota();
  // When the 429 arrived: Retry-After counts from then.
  const [answeredAt] = useState(() => Date.now());
  const quota = usage.data?.quotas.find((q) => q.metric === 'searches');
  const retryAfter = isApiError(error) ? error.retryAfter : undefined;
  const resetAt =
    fromHeaders?.resetAt ??
    quota?.reset_at ??
    (retryAfter !== undefined ? new Date(answeredAt + retryAfter * 1000).toISOString() : undefined);
  return (
    <Alert color="orange" variant="light" title="You have used this month's searches" data-testid="quota-exceeded" role="alert">
      <Text size="sm">
        {quota && usage.data
          ? `The ${usage.data.package.name} package includes ${formatNumber(quota.limit)} searches a month. `
          : 'Your package’s monthly searches are used up. '}
        {resetAt ? (
          <>
            New searches are possible again on <strong data-testid="quota-reset">{formatResetTime(resetAt)}</strong>.
          </>
        ) : (
          'They reset at 00:00 UTC on the 1st of next month.'
        )}{' '}
        Results already loaded, saved contacts and lists stay available.
      </Text>
      <ComparePackagesLink />
    </Alert>
  );
}
