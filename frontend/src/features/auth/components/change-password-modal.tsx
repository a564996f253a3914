import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { PasswordInput } from '@/components/forms/password-input';
import { useMe } from '@/lib/auth/get-me';
import { fieldError } from '@/lib/form-errors';
import { formatDateTime } from '@/lib/format';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useChangePassword } from '../api/change-password';
import { passwordHint } from './password-hint';

const fields = ['current_password', 'new_password'] as const;

type ChangePasswordModalProps = { opened: boolean; onClose: () => void };

export function ChangePasswordModal({ opened, onClose }: ChangePasswordModalProps) {
  const change = useChangePassword();
  const changedAt = useMe().data?.user.password_changed_at;
  const formRef = useFocusFirstInvalid<HTMLFormElement>(change.error);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');

  const close = () => {
    setCurrent('');
    setNext('');
    change.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: 'Password changed. Your other sessions were signed out.' });
          close();
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title="Change password">
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Change password">
        <Stack gap="sm">
          {changedAt && (
            <Text size="sm" data-testid="password-changed-at">
              Last changed {formatDateTime(changedAt)}.
            </Text>
          )}
          <FormErrorAlert error={change.error} fields={fields} />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={fieldError(change.error, 'current_password')}
          />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            required
            description={passwordHint}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={fieldError(change.error, 'new_password')}
          />
          <Text size="xs" c="dimmed">
            Other browsers where you are signed in will be signed out.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
