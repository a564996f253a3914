import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';

/**
 * The last line of defence for a route that failed to render or whose code failed to load (often a
 * new deployment replaced the old chunks: reloading fetches the new ones).
 */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'An unexpected error occurred.';

  return (
    <Stack py="xl" maw={640}>
      <Alert color="red" title="This page could not be shown" role="alert">
        <Stack gap="sm">
          <Text size="sm">{detail}</Text>
          <Group>
            <Button size="xs" onClick={() => window.location.reload()}>
              Reload
            </Button>
            <Button size="xs" variant="default" component={Link} to="/">
              Go to the overview
            </Button>
          </Group>
        </Stack>
      </Alert>
    </Stack>
  );
}
