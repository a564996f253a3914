import { Badge } from '@mantine/core';

import type { CrmPushStatus } from '@/lib/crm/get-crm-push';

import { pushStatusLabels } from './labels';

/** A push's status (queued, running, paused, completed, completed with errors, cancelled). */
export function PushStatusBadge({ status }: { status: CrmPushStatus }) {
  const { label, color } = pushStatusLabels[status] ?? { label: status, color: 'gray' };
  return (
    <Badge color={color} variant="light" miw="max-content" data-testid="push-status" data-status={status}>
      {label}
    </Badge>
  );
}
