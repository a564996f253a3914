import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';

type ConfirmModalProps = {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  loading?: boolean;
  error?: unknown;
};

/**
 * "Are you sure?" before what cannot be undone with one click (unsave, delete a list, revoke a key,
 * remove a member, disconnect the CRM): the consequences, the error of a failed attempt, Cancel (which
 * has focus when it opens) and the red confirm button.
 */
export function ConfirmModal({ opened, title, children, confirmLabel, onConfirm, onClose, loading, error }: ConfirmModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack gap="sm">
        <Text size="sm" component="div">
          {children}
        </Text>
        {error ? <ApiErrorAlert error={error} /> : null}
        <Group justify="flex-end" gap="sm">
          {/* The dialog opens on Cancel: Enter pressed once more (a key held down, a double press on
              the button that opened it) must not do what cannot be undone. */}
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" loading={loading} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
