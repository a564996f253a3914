import { Alert, Button, Code, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

import { ComparePackagesLink } from '@/components/usage/compare-packages-link';
import { formatWait, isApiError } from '@/lib/api-error';
import { formatResetTime } from '@/lib/format';

type ApiErrorAlertProps = {
  error: unknown;
  /** Shown as a "Try again" button when given, for errors a retry can fix. */
  onRetry?: () => void;
  /** Field errors (`errors[]`) to list, by field: those the caller shows nowhere else. */
  fieldErrors?: Record<string, string>;
};

/**
 * A 4xx answers what the user did (wrong password, not allowed, gone, conflict, invalid, too many):
 * the server's sentence is the whole message. Its HTTP title ("Unauthorized") and request id are
 * for failures support looks into: server errors and unreadable answers.
 */
function isExpected(error: unknown): boolean {
  return isApiError(error) && error.status >= 400 && error.status < 500;
}

/** Plain words for a 4xx that came without a detail. */
const expectedMessage: Record<number, string> = {
  401: 'You are not signed in, or your session has ended.',
  403: 'You are not allowed to do this.',
  404: 'This was not found. It may have been deleted.',
  409: 'This conflicts with the current state. Reload the page to see it.',
  422: 'Some values are not valid.',
  429: 'Too many requests.',
};

/**
 * A monthly quota is used up (429 `quota-exceeded`): asking again fails until the month turns, which
 * the server's sentence names, so neither a wait nor "Try again" is offered; a larger package is.
 */
function isQuotaExceeded(error: unknown): boolean {
  return isApiError(error) && error.status === 429 && error.type === 'quota-exceeded';
}

/** Whether asking again can succeed: no answer, a server error, or a rate limit (after the wait). */
function isRetryable(error: unknown): boolean {
  if (!isApiError(error)) return true;
  if (isQuotaExceeded(error)) return false;
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

/** A quota sentence's reset time ("resets at 2026-12-01T00:00:00Z") as the usage meters write it. */
function readableTimes(detail: string): string {
  return detail.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g, (t) => formatResetTime(t));
}

/**
 * The alert's sentence for a 429 whose Retry-After gives the wait, so that it reads as one sentence:
 * the server's "…; try again later." ends "…; try again in 30 seconds." instead; a sentence that
 * names its wait already ("retry in 5 s") stays as it is; any other gets "; try again in …" added.
 */
function withWait(detail: string, seconds: number): string {
  const wait = formatWait(seconds);
  if (/\btry again later\.?$/i.test(detail)) return detail.replace(/\btry again later\.?$/i, `try again in ${wait}.`);
  if (/\b(retry|try again) in\b/i.test(detail)) return detail;
  return `${detail.replace(/[\s.;:,]+$/, '')}; try again in ${wait}.`;
}

/**
 * Shows an error from the API the same way everywhere. Expected problems (4xx) read as the server's
 * plain sentence; server errors and no answer at all get a heading, and the request id that
 * support needs to find the server log line. "Try again" is offered only where it can help.
 */
export function ApiErrorAlert({ error, onRetry, fieldErrors = {} }: ApiErrorAlertProps) {
  const expected = isExpected(error);
  const title = expected ? undefined : isApiError(error) ? error.title : 'Something went wrong';
  const said = isApiError(error)
    ? error.detail || (expected ? (expectedMessage[error.status] ?? error.title) : '')
    : error instanceof Error
      ? error.message
      : 'An unexpected error occurred.';
  const requestId = isApiError(error) && !expected ? error.requestId : undefined;
  const quota = isQuotaExceeded(error);
  const retryAfter = isApiError(error) && error.status === 429 && !quota ? error.retryAfter : undefined;
  const detail = quota ? readableTimes(said) : said && retryAfter !== undefined ? withWait(said, retryAfter) : said;
  const retry = onRetry && isRetryable(error) ? onRetry : undefined;

  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle size={18} />} role="alert">
      <Stack gap="xs">
        {detail && (
          <Text size="sm" data-testid={retryAfter !== undefined ? 'retry-after' : undefined}>
            {detail}
          </Text>
        )}
        {Object.keys(fieldErrors).length > 0 && (
          <List size="sm" data-testid="field-errors">
            {Object.entries(fieldErrors).map(([field, message]) => (
              <List.Item key={field}>
                <Code>{field}</Code>: {message}
              </List.Item>
            ))}
          </List>
        )}
        {quota && <ComparePackagesLink />}
        {requestId && (
          <Text size="xs" c="dimmed">
            Request ID: <Code>{requestId}</Code>
          </Text>
        )}
        {retry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={retry}>
              Try again
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
