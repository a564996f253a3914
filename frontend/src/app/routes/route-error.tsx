import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';
import { isRouteErrorResponse, Link, useLocation, useNavigate, useRouteError } from 'react-router-dom';

import { isCodeLoadError, retryFailedPages } from './lazy-page';

/**
 * The last line of defence for a route that failed to render or whose code failed to load (often a
 * new deployment replaced the old chunks: reloading fetches the new ones).
 */
export function RouteError() {
  const error = useRouteError();
  const navigate = useNavigate();
  const location = useLocation();
  const codeMissing = isCodeLoadError(error);
  // Leaving the error page (another link, Back) lets a page whose code was missing load it next time.
  useEffect(() => retryFailedPages, []);
  const detail = codeMissing
    ? 'The page could not be loaded: the connection may have dropped. Try again; if that does not help, reload (a new version of the app may have been released).'
    : isRouteErrorResponse(error)
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
            {codeMissing && (
              <Button
                size="xs"
                // The same address again: the router drops the error and the page asks for its code anew.
                onClick={() => {
                  retryFailedPages();
                  void navigate(`${location.pathname}${location.search}${location.hash}`, { replace: true });
                }}
              >
                Try again
              </Button>
            )}
            <Button size="xs" variant={codeMissing ? 'default' : 'filled'} onClick={() => window.location.reload()}>
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
