import { Code } from '@mantine/core';
import { notifications } from '@mantine/notifications';

import { ConfirmModal } from '@/components/confirm-modal';
import type { ApiKey } from '@/lib/api-keys/list-api-keys';
import { isolated } from '@/lib/text';

import { useRevokeApiKey } from '../api/revoke-api-key';

type RevokeApiKeyModalProps = {
  /** The key to revoke; null when closed. */
  apiKey: ApiKey | null;
  onClose: () => void;
  /** Called once the key is revoked (the list is already reloaded), before the dialog closes. */
  onRevoked?: () => void;
};

/** Asks before revoking: integrations using the key are refused at once, and it cannot be undone. */
export function RevokeApiKeyModal({ apiKey, onClose, onRevoked }: RevokeApiKeyModalProps) {
  const revoke = useRevokeApiKey();

  const close = () => {
    revoke.reset();
    onClose();
  };

  return (
    <ConfirmModal
      opened={apiKey !== null}
      title="Revoke API key"
      confirmLabel="Revoke key"
      loading={revoke.isPending}
      error={revoke.error}
      onClose={close}
      onConfirm={() => {
        if (!apiKey) return;
        revoke.mutate(apiKey.id, {
          onSuccess: () => {
            notifications.show({ color: 'green', message: `${isolated(apiKey.name)} (${apiKey.prefix}) was revoked.` });
            onRevoked?.();
            close();
          },
        });
      }}
    >
      {apiKey && (
        <>
          Revoke <b>{apiKey.name}</b> (<Code>{apiKey.prefix}</Code>)? Every request with it is refused from now on
          (within 10 seconds on every server). This cannot be undone: an integration that still uses it needs a new
          key.
        </>
      )}
    </ConfirmModal>
  );
}
