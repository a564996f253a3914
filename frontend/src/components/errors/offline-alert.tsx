import { Alert, Group, Loader, Text } from '@mantine/core';
import { IconWifiOff } from '@tabler/icons-react';

type OfflineAlertProps = {
  /** What happens once the connection is back ("The search runs …"). */
  children?: string;
};

/**
 * A request that waits for the connection: TanStack Query pauses queries while the browser is
 * offline (networkMode 'online') and sends them when it is back, with no error in between.
 */
export function OfflineAlert({ children = 'This loads as soon as the connection is back.' }: OfflineAlertProps) {
  return (
    <Alert color="yellow" variant="light" title="Waiting for the connection" icon={<IconWifiOff size={18} />} role="status" data-testid="offline">
      <Group gap="xs" wrap="nowrap">
        <Loader size="xs" color="yellow" aria-hidden />
        <Text size="sm">You are offline. {children}</Text>
      </Group>
    </Alert>
  );
}
