import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { fieldError } from '@/lib/form-errors';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useUpdateMe } from '../api/update-me';

const fields = ['name'] as const;

type EditNameModalProps = { opened: boolean; name: string; onClose: () => void };

/** The signed-in user's display name, which teammates see on the team page and in the audit log. */
export function EditNameModal({ opened, name, onClose }: EditNameModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Your name">
      {/* The modal's content is mounted while it is open: each opening starts from the current name. */}
      <EditNameForm name={name} onClose={onClose} />
    </Modal>
  );
}

function EditNameForm({ name, onClose }: { name: string; onClose: () => void }) {
  const update = useUpdateMe();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(update.error);
  const [value, setValue] = useState(name);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { name: value.trim() },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: 'Your name was saved.' });
          onClose();
        },
      },
    );
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Your name">
      <Stack gap="sm">
        <FormErrorAlert error={update.error} fields={fields} />
        <TextInput
          label="Name"
          autoComplete="name"
          data-autofocus
          maxLength={200}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          error={fieldError(update.error, 'name')}
        />
        <Text size="xs" c="dimmed">
          Your teammates see this name. Your email address is how you sign in and stays as it is.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
