import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { isApiError } from '@/lib/api-error';
import { fieldError } from '@/lib/form-errors';
import { capped, isolated } from '@/lib/text';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useCreateList } from '../api/create-list';
import type { ContactList } from '../api/list-lists';
import { useRenameList } from '../api/rename-list';

type ListNameModalProps = {
  /** null: closed; 'new': create; a list: rename it. */
  target: 'new' | ContactList | null;
  onClose: () => void;
  onCreated?: (list: ContactList) => void;
};

/** The server's limit on a list name (ListRequest.name), in characters once trimmed. */
export const maxListNameLength = 100;

/** Creates a list or renames one; names are unique per organization. */
export function ListNameModal({ target, onClose, onCreated }: ListNameModalProps) {
  return (
    <Modal opened={target !== null} onClose={onClose} title={target === 'new' ? 'New list' : 'Rename list'}>
      {target !== null && (
        <ListNameForm key={target === 'new' ? 'new' : target.id} target={target} onClose={onClose} onCreated={onCreated} />
      )}
    </Modal>
  );
}

function ListNameForm({ target, onClose, onCreated }: { target: 'new' | ContactList } & Omit<ListNameModalProps, 'target'>) {
  const create = useCreateList();
  const rename = useRenameList();
  const mutation = target === 'new' ? create : rename;
  const formRef = useFocusFirstInvalid<HTMLFormElement>(mutation.error);
  const [name, setName] = useState(target === 'new' ? '' : target.name);
  // A 409 is a taken name (it names the field) or the organization's cap on lists (it does not):
  // only the first belongs next to the name.
  const nameTaken = isApiError(mutation.error) && mutation.error.status === 409 && fieldError(mutation.error, 'name') !== undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (target === 'new') {
      create.mutate(
        { name: trimmed },
        {
          onSuccess: (list) => {
            notifications.show({ color: 'green', message: `List “${isolated(list.name)}” created.` });
            onCreated?.(list);
            onClose();
          },
        },
      );
    } else {
      rename.mutate(
        { id: target.id, name: trimmed },
        {
          onSuccess: (list) => {
            notifications.show({ color: 'green', message: `List renamed to “${isolated(list.name)}”.` });
            onClose();
          },
        },
      );
    }
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={target === 'new' ? 'New list' : 'Rename list'}>
      <Stack gap="sm">
        <TextInput
          label="List name"
          value={name}
          onChange={(e) => setName(capped(e.currentTarget.value, maxListNameLength))}
          error={fieldError(mutation.error, 'name')}
          data-autofocus
          required
        />
        <FormErrorAlert error={nameTaken ? null : mutation.error} fields={['name']} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {target === 'new' ? 'Create list' : 'Rename'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
