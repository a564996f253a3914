import { Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One fact of a summary card: a small dimmed capitalized label over its value (an import's preflight, a CRM connection). */
export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" data-testid={testId}>
        {children}
      </Text>
    </Stack>
  );
}
