import { Alert, Button, Code, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

import { formatWait, isApiError } from '@/lib/api-error';

type ApiErrorAlertProps = {
  error: unknown;
  /** Shown as a "Try again" button when given. */
  onRetry?: () => void;
  /** Field errors (`errors[]`) to list, by field: those the caller shows nowhere else. */
  fieldErrors?: Record<string, string>;
};

/**
 * Shows an error from the API the same way everywhere: the problem's title and detail, and the
 * request id that support needs to find the server log line.
 */
export function ApiErrorAlert({ error, onRetry, fieldErrors = {} }: ApiErrorAlertProps) {
  const title = isApiError(error) ? error.title : 'Something went wrong';
  const detail = isApiError(error)
    ? error.detail
    : error instanceof Error
      ? error.message
      : 'An unexpected error occurred.';
  const requestId = isApiError(error) ? error.requestId : undefined;
  const retryAfter = isApiError(error) && error.status === 429 ? error.retryAfter : undefined;

  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle size={18} />} role="alert">
      <Stack gap="xs">
        {detail && <Text size="sm">{detail}</Text>}
        {Object.keys(fieldErrors).length > 0 && (
          <List size="sm" data-testid="field-errors">
            {Object.entries(fieldErrors).map(([field, message]) => (
              <List.Item key={field}>
                <Code>{field}</Code>: {message}
              </List.Item>
            ))}
          </List>
        )}
        {retryAfter !== undefined && (
          <Text size="sm" fw={500} data-testid="retry-after">
            Try again in {formatWait(retryAfter)}.
          </Text>
        )}
        {requestId && (
          <Text size="xs" c="dimmed">
            Request ID: <Code>{requestId}</Code>
          </Text>
        )}
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
