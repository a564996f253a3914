import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

type NoApiAccessAlertProps = {
  /** The current package's name, when known. */
  packageName?: string;
  /** The server's explanation (problem `detail`), when this answers a refused request. */
  detail?: string;
  /** For `aria-describedby` of a control this alert explains. */
  id?: string;
};

/** The package has no API access (403 `plan-feature-unavailable`): say so and point to the plans. */
export function NoApiAccessAlert({ packageName, detail, id }: NoApiAccessAlertProps) {
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconLock size={18} />}
      title="Your package does not include API access"
      role="alert"
      data-testid="plan-feature-unavailable"
      id={id}
    >
      <Stack gap={6}>
        <Text size="sm">
          {packageName ? `The ${packageName} package` : 'Your current package'} does not allow API keys, so new keys
          cannot be created and existing keys are refused. Move to a package with API access to use the API.
        </Text>
        {detail && (
          <Text size="xs" c="dimmed">
            {detail}
          </Text>
        )}
        <Anchor component={Link} to="/billing" size="sm" fw={500}>
          Compare packages on the Package &amp; usage page
        </Anchor>
      </Stack>
    </Alert>
  );
}
