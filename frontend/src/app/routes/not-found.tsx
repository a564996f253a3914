import { Button, Stack, Text, Title } from '@mantine/core';
import { Link, useLocation } from 'react-router-dom';

import { useDocumentTitle } from '@/lib/use-document-title';

export function NotFoundRoute() {
  useDocumentTitle('Page not found');
  const { pathname } = useLocation();
  return (
    <Stack align="flex-start" gap="sm" py="xl" data-testid="not-found">
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text size="sm" c="dimmed">
        There is no page at <code>{pathname}</code>.
      </Text>
      <Button component={Link} to="/" size="sm">
        Go to the overview
      </Button>
    </Stack>
  );
}
