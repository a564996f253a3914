import { Badge } from '@mantine/core';

import { formatStatus } from '@/lib/format';

import type { ImportSummary } from '../api/list-imports';
import { statusColors } from '../labels';

/** An import's status; a dry run's says so ("Dry run completed"), once it has been started. */
export function ImportStatusBadge({
  imp,
  testId,
}: {
  imp: Pick<ImportSummary, 'status' | 'dry_run'>;
  testId?: string;
}) {
  const status = formatStatus(imp.status);
  return (
    <Badge color={statusColors[imp.status]} variant="light" data-testid={testId}>
      {imp.dry_run && imp.status !== 'uploaded' ? `Dry run ${status.toLowerCase()}` : status}
    </Badge>
  );
}
