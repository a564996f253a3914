import { Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import type { ApiKey } from '@/lib/api-keys/list-api-keys';

import { useRevokeApiKey } from '../api/revoke-api-key';

type RevokeApiKeyModalProps = {
  /** The key to revoke; null when closed. */
  apiKey: ApiKey | null;
  onClose: () => void;
};

/** Asks before revoking: integrations using the key are refused at once, and it cannot be undone. */
export function RevokeApiKeyModal({ apiKey, onClose }: RevokeApiKeyModalProps) {
  const revoke = useRevokeApiKey();

  const close = () => {
    revoke.reset();
    onClose();
  };

  return (
    <Modal opened={apiKey !== null} onClose={close} title="Revoke API key">
      {apiKey && (
        <Stack gap="md">
          <Text size="sm">
            Revoke <b>{apiKey.name}</b> (<Code>{apiKey.prefix}</Code>)? Every request with it is refused from now on
            (within 10 seconds on every server). This cannot be undone: an integration that still uses it needs a new
            key.
          </Text>
          {revoke.error !== null && <ApiErrorAlert error={revoke.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() =>
                revoke.mutate(apiKey.id, {
                  onSuccess: () => {
                    notifications.show({ color: 'green', message: `${apiKey.name} (${apiKey.prefix}) was revoked.` });
                    close();
                  },
                })
              }
            >
              Revoke key
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
