import { Stack, Text, Title } from '@mantine/core';

import { useDocumentTitle } from '@/lib/use-document-title';

import { StatusCard } from '../components/status-card';

export function OverviewRoute() {
  useDocumentTitle('Overview');
  return (
    <Stack gap="md" maw={720}>
      <div>
        <Title order={1} size="h3">
          Overview
        </Title>
        <Text size="sm" c="dimmed">
          The state of the service this workspace runs on.
        </Text>
      </div>
      <StatusCard />
    </Stack>
  );
}
