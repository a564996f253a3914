import { List, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';

import { ConfirmModal } from '@/components/confirm-modal';
import type { CrmConnection } from '@/lib/crm/get-crm-connection';
import { formatNumber } from '@/lib/format';

import { useDisconnectCrm } from '../api/disconnect-crm';

type DisconnectModalProps = {
  opened: boolean;
  connection: CrmConnection;
  onClose: () => void;
};

/** Asks before disconnecting: what happens to the tokens, queued pushes and history. */
export function DisconnectModal({ opened, connection, onClose }: DisconnectModalProps) {
  const disconnect = useDisconnectCrm();
  const waiting = connection.queued + connection.paused;
  const close = () => {
    disconnect.reset();
    onClose();
  };

  return (
    <ConfirmModal
      opened={opened}
      title="Disconnect the 1CloudAI CRM"
      confirmLabel="Disconnect"
      loading={disconnect.isPending}
      error={disconnect.error}
      onClose={close}
      onConfirm={() =>
        disconnect.mutate(undefined, {
          onSuccess: () => {
            notifications.show({ color: 'green', message: 'The 1CloudAI CRM was disconnected.' });
            close();
          },
        })
      }
    >
      <Text size="sm" mb="xs">
        Disconnect{' '}
        <b>
          {connection.account_name ? <bdi>{connection.account_name}</bdi> : 'the CRM account'}
          {connection.account_id ? ` (${connection.account_id})` : ''}
        </b>
        ? This is what happens:
      </Text>
      <List size="sm" spacing={4} data-testid="disconnect-consequences">
        <List.Item>The access is revoked at the CRM and our stored tokens are deleted.</List.Item>
        <List.Item>
          Queued pushes are cancelled
          {waiting > 0 ? ` (${formatNumber(waiting)} contact${waiting === 1 ? '' : 's'} waiting now)` : ''}: those
          contacts are not sent.
        </List.Item>
        <List.Item>Records already in the CRM stay there, and the push history is kept.</List.Item>
        <List.Item>An org admin can connect again at any time; nothing is pushed until then.</List.Item>
      </List>
    </ConfirmModal>
  );
}
