import { Group, Progress, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

import { formatNumber } from '@/lib/format';

type UsageMeterProps = {
  /** Used in test ids: `meter-<id>`. */
  id: string;
  label: string;
  used: number;
  limit: number;
  /** A line under the bar (what counts, when it resets). */
  description?: ReactNode;
};

/** One limit: "used of limit" and a bar that turns orange at 80 % and red when full. */
export function UsageMeter({ id, label, used, limit, description }: UsageMeterProps) {
  const percent = limit > 0 ? Math.min(100, (used / limit) * 100) : used > 0 ? 100 : 0;
  const color = percent >= 100 ? 'red' : percent >= 80 ? 'orange' : 'blue';
  const value = limit > 0 ? `${formatNumber(used)} of ${formatNumber(limit)}` : 'Not included';

  return (
    <Stack gap={4} data-testid={`meter-${id}`}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="sm" c={percent >= 100 ? 'red' : undefined} data-testid={`meter-${id}-value`}>
          {value}
        </Text>
      </Group>
      <Progress
        value={percent}
        color={color}
        size="md"
        aria-label={`${label}: ${value}`}
        data-testid={`meter-${id}-bar`}
      />
      {description && (
        <Text size="xs" c="dimmed">
          {description}
        </Text>
      )}
    </Stack>
  );
}
