import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { formatNumber, formatStatus } from '@/lib/format';

import { useCancelImport } from '../api/cancel-import';
import type { Import } from '../api/get-import';
import { formatEta } from '../labels';
import { useImportScope } from '../scope';
import { OutcomeCounts } from './outcome-counts';

/** The live progress of a queued or running import: bar, rows, rate, ETA, counts and Cancel. */
export function ImportProgressView({ imp }: { imp: Import }) {
  const scope = useImportScope();
  const cancel = useCancelImport(scope);
  const { progress } = imp;
  const total = progress.rows_total || imp.row_count;
  const percent = Math.min(100, progress.percent || (total ? (progress.rows_done / total) * 100 : 0));
  return (
    <Stack gap="md" data-testid="import-progress">
      {imp.status === 'queued' && (
        <Alert color="yellow" variant="light">
          {scope === 'platform'
            ? 'Queued: platform imports run one at a time; this one starts when the one before it is done.'
            : 'Queued: your organization runs as many imports at once as its package allows; this one starts when a slot frees up.'}
        </Alert>
      )}
      <Progress
        value={percent}
        size="xl"
        animated={imp.status === 'running'}
        aria-label="Import progress"
      />
      <Group gap="xl">
        <Text size="sm" data-testid="progress-rows">
          {formatNumber(progress.rows_done)} / {formatNumber(total)} rows ({percent.toFixed(1)}%)
        </Text>
        <Text size="sm" data-testid="progress-rate">
          {formatNumber(Math.round(progress.rate))} rows/s
        </Text>
        <Text size="sm" data-testid="progress-eta">
          ETA {formatEta(progress.eta_seconds)}
        </Text>
        {progress.phase && (
          <Text size="sm" c="dimmed" data-testid="progress-phase">
            {formatStatus(progress.phase)}
          </Text>
        )}
      </Group>
      <OutcomeCounts counts={imp.counts} testId="progress-counts" />
      <Group>
        <Button
          color="red"
          variant="light"
          loading={cancel.isPending}
          disabled={imp.cancel_requested}
          onClick={() => cancel.mutate(imp.id)}
        >
          {imp.cancel_requested ? 'Cancelling…' : 'Cancel import'}
        </Button>
      </Group>
      {cancel.isError && <ApiErrorAlert error={cancel.error} />}
    </Stack>
  );
}
