import { Alert, List, Text } from '@mantine/core';

import { formatCount, formatNumber, formatResetTime } from '@/lib/format';
import type { Quota, Usage } from '@/lib/usage/get-usage';

const quotaBlocks: Record<Quota['metric'], (limit: string, reset: string) => string> = {
  searches: (limit, reset) => `This month's ${limit} searches are used up: new searches are refused until ${reset}.`,
  import_rows: (limit, reset) =>
    `This month's ${limit} imported rows are used up: new imports are refused until ${reset}.`,
  crm_pushes: (limit, reset) => `This month's ${limit} CRM pushes are used up: new pushes are refused until ${reset}.`,
};

/** What the current limits block right now, one sentence each; empty when nothing is blocked. */
function overLimitItems(usage: Usage): string[] {
  const { seats, package: pkg } = usage;
  const items: string[] = [];
  if (seats.members > seats.limit) {
    items.push(
      `${formatCount(seats.members, 'member')} ${seats.members === 1 ? 'is' : 'are'} more than the ${formatCount(seats.limit, 'user')} the ${pkg.name} package allows. ` +
        'Everyone keeps access, but no new invitations can be sent or accepted until the team fits the limit or the package changes.',
    );
  } else if (seats.remaining <= 0) {
    // Accepting an invitation needs a seat no member holds: with every seat taken by members, the
    // pending invitations wait too.
    const pendingBlocked =
      seats.members >= seats.limit && seats.pending_invitations > 0
        ? `, and the pending ${seats.pending_invitations === 1 ? 'invitation' : 'invitations'} cannot be accepted until a seat is free`
        : '';
    items.push(
      `All ${formatCount(seats.limit, 'seat')} ${seats.limit === 1 ? 'is' : 'are'} in use (${formatCount(seats.members, 'member')}, ${formatCount(
        seats.pending_invitations,
        'pending invitation',
      )}): new invitations are blocked${pendingBlocked}.`,
    );
  }
  for (const quota of usage.quotas) {
    if (quota.limit > 0 && quota.used >= quota.limit) {
      const sentence = quotaBlocks[quota.metric];
      if (sentence) items.push(sentence(formatNumber(quota.limit), formatResetTime(quota.reset_at)));
    }
  }
  // Whatever brought the package in force (a plan change, a cancellation, a downgrade), keys the
  // tenant still has stop working without API access.
  if (!pkg.api_access && usage.api_keys > 0) {
    const keys = usage.api_keys === 1 ? 'API key is' : `${formatNumber(usage.api_keys)} API keys are`;
    items.push(
      `The ${pkg.name} package has no API access: your ${keys} kept, but requests with them are refused and no new keys can be created. ` +
        'They work again once a package with API access is in force.',
    );
  }
  return items;
}

type OverLimitNoticesProps = {
  usage: Usage;
};

/**
 * Limits that are used up, and what they block. Downgrades never delete anything: over-limit
 * states only block new use, and the page says so.
 */
export function OverLimitNotices({ usage }: OverLimitNoticesProps) {
  const items = overLimitItems(usage);
  if (items.length === 0) return null;
  return (
    <Alert color="orange" variant="light" title="Some limits are reached" data-testid="over-limit">
      <List size="sm" spacing={4}>
        {items.map((item) => (
          <List.Item key={item}>{item}</List.Item>
        ))}
      </List>
      <Text size="sm" mt="xs">
        Nothing is deleted: your contacts, saved lists, members and API keys stay as they are. Only new use above the
        limits is blocked.
      </Text>
    </Alert>
  );
}
