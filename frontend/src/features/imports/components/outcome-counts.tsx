import { Group, Paper, Text } from '@mantine/core';

import { formatNumber } from '@/lib/format';

import type { Import } from '../api/get-import';
import { outcomes } from '../labels';

/**
 * Rows by outcome (and how many matched rows changed their contact, and how many rows were imported
 * without some of their values, when any were).
 */
export function OutcomeCounts({ counts, testId }: { counts: Import['counts']; testId?: string }) {
  return (
    <Group gap="sm" data-testid={testId}>
      {outcomes.map((o) => (
        <Paper key={o.value} withBorder px="md" py={6} data-testid={`count-${o.value}`}>
          <Text size="xs" c="dimmed">
            {o.label}
          </Text>
          <Text fw={600} c={o.color}>
            {formatNumber(counts[o.value])}
          </Text>
        </Paper>
      ))}
      <Paper withBorder px="md" py={6} data-testid="count-updated">
        <Text size="xs" c="dimmed">
          Updated
        </Text>
        <Text fw={600}>{formatNumber(counts.updated)}</Text>
      </Paper>
      {counts.with_warnings > 0 && (
        <Paper withBorder px="md" py={6} data-testid="count-with-warnings">
          <Text size="xs" c="dimmed">
            With warnings
          </Text>
          <Text fw={600} c="orange.8">
            {formatNumber(counts.with_warnings)}
          </Text>
        </Paper>
      )}
    </Group>
  );
}
