import { Alert, SimpleGrid } from '@mantine/core';

import { formatCount, formatResetTime } from '@/lib/format';
import type { Quota, Usage } from '@/lib/usage/get-usage';

import { ComparePackagesLink } from './compare-packages-link';
import { UsageMeter } from './usage-meter';

const quotaLabels: Record<Quota['metric'], string> = {
  searches: 'Searches this month',
  import_rows: 'Imported rows this month',
  crm_pushes: 'CRM pushes this month',
};

/** A meter for every limit of GET /tenant/usage: seats, then each monthly quota. */
export function UsageMeters({ usage }: { usage: Usage }) {
  const { seats } = usage;
  const seatsUsed = seats.members + seats.pending_invitations;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" verticalSpacing="lg">
      <UsageMeter
        id="seats"
        label="Users"
        used={seatsUsed}
        limit={seats.limit}
        description={`${formatCount(seats.members, 'member')} + ${formatCount(seats.pending_invitations, 'pending invitation')}`}
      />
      {usage.quotas.map((quota) => (
        <UsageMeter
          key={quota.metric}
          id={quota.metric}
          label={quotaLabels[quota.metric] ?? quota.metric}
          used={quota.used}
          limit={quota.limit}
          description={`Resets ${formatResetTime(quota.reset_at)}`}
        />
      ))}
    </SimpleGrid>
  );
}

/** The seat limit is reached: no invitation can be sent or accepted. */
export function SeatLimitAlert({ usage }: { usage: Usage }) {
  if (usage.seats.remaining > 0) return null;
  return (
    <Alert color="orange" variant="light" title="All seats are in use" data-testid="seat-limit-reached">
      The {usage.package.name} package allows {formatCount(usage.seats.limit, 'user')}, and{' '}
      {formatCount(usage.seats.members, 'member')} plus {formatCount(usage.seats.pending_invitations, 'pending invitation')}{' '}
      use them all. Revoke a pending invitation, remove a member or move to a larger package to invite
      more people.
      <ComparePackagesLink />
    </Alert>
  );
}
