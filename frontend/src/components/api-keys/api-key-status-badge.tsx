import { Badge } from '@mantine/core';

import { formatStatus } from '@/lib/format';
import type { ApiKeyStatus } from '@/lib/api-keys/list-api-keys';

const statusColors: Record<ApiKeyStatus, string> = {
  active: 'green',
  expired: 'orange',
  revoked: 'gray',
};

/** Active, Expired or Revoked. */
export function ApiKeyStatusBadge({ status }: { status: ApiKeyStatus }) {
  return (
    <Badge
      variant="light"
      color={statusColors[status] ?? 'gray'}
      data-testid="api-key-status"
    >
      {formatStatus(status)}
    </Badge>
  );
}
