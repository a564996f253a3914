import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { isApiError } from '@/lib/api-error';
import { fieldError } from '@/lib/form-errors';
import { formatNumber } from '@/lib/format';
import { capped, isolated } from '@/lib/text';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useCreateList } from '../api/create-list';
import { useLists } from '../api/list-lists';
import { useSaveContacts } from '../api/save-contacts';
import { maxListNameLength } from './list-name-modal';

const newList = '__new__';
const noList = '__none__';

type SaveToListModalProps = {
  opened: boolean;
  contactIds: string[];
  onClose: () => void;
  /** Called after the contacts were saved (the caller clears its selection). */
  onSaved?: (list: { id: string; name: string } | null) => void;
  /** The list picked last time, offered first. */
  defaultListId?: string | null;
};

/**
 * "Save to list…": saves the picked contacts, onto an existing list, a list created right here,
 * or none. Rows on screen show their new status at once; no new search is spent.
 */
export function SaveToListModal({ opened, contactIds, onClose, onSaved, defaultListId }: SaveToListModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={`Save ${formatNumber(contactIds.length)} contact${contactIds.length === 1 ? '' : 's'}`}
      size="md"
    >
      {opened && (
        <SaveToListForm contactIds={contactIds} onClose={onClose} onSaved={onSaved} defaultListId={defaultListId} />
      )}
    </Modal>
  );
}

function SaveToListForm({ contactIds, onClose, onSaved, defaultListId }: Omit<SaveToListModalProps, 'opened'>) {
  const lists = useLists();
  const createList = useCreateList();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(createList.error);
  const save = useSaveContacts();
  const [picked, setPicked] = useState<string | null>(null);
  const [name, setName] = useState('');

  const items = lists.data?.items ?? [];
  const fallback = defaultListId && items.some((l) => l.id === defaultListId) ? defaultListId : newList;
  const choice = picked ?? (lists.isPending ? null : fallback);
  const creating = choice === newList;

  // A 409 is a taken name (it names the field) or the organization's cap on lists (it does not):
  // only the first belongs next to the name.
  const nameError = fieldError(createList.error, 'name');
  const nameTaken = isApiError(createList.error) && createList.error.status === 409 && nameError !== undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) return;
    let list: { id: string; name: string } | null = null;
    try {
      if (creating) {
        const created = await createList.mutateAsync({ name: name.trim() });
        list = { id: created.id, name: created.name };
        // A failed save can be retried onto the list that now exists, without a 409.
        setPicked(created.id);
      } else if (choice !== noList) {
        const existing = items.find((l) => l.id === choice);
        if (existing) list = { id: existing.id, name: existing.name };
      }
      const result = await save.mutateAsync({ contactIds, list: list ?? undefined });
      const already = result.already_saved > 0 ? ` (${formatNumber(result.already_saved)} already saved)` : '';
      notifications.show({
        color: 'green',
        message: `Saved ${formatNumber(contactIds.length)} contact${contactIds.length === 1 ? '' : 's'}${
          list ? ` to “${isolated(list.name)}”` : ''
        }${already}.`,
      });
      onSaved?.(list);
      onClose();
    } catch {
      // Shown next to the field or in the alert below.
    }
  };

  const data = [
    { value: newList, label: '+ New list…' },
    { value: noList, label: 'No list — just save' },
    // The name is isolated: an Arabic or Hebrew one would otherwise take its count into its run.
    ...items.map((l) => ({ value: l.id, label: `${isolated(l.name)} (${formatNumber(l.member_count)})` })),
  ];

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate aria-label="Save to list">
      <Stack gap="sm">
        <Select
          label="List"
          data={data}
          value={choice}
          onChange={(value) => value && setPicked(value)}
          allowDeselect={false}
          searchable
          disabled={lists.isPending}
        />
        {creating && (
          <TextInput
            label="New list name"
            placeholder="e.g. Berlin CTOs"
            value={name}
            onChange={(e) => setName(capped(e.currentTarget.value, maxListNameLength))}
            error={nameError}
            data-autofocus
            required
          />
        )}
        {lists.isError && (
          <Text size="xs" c="red">
            Your lists could not be loaded; you can still create a new one.
          </Text>
        )}
        <FormErrorAlert error={creating && !nameTaken ? createList.error : null} fields={['name']} />
        <FormErrorAlert error={save.error} fields={[]} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={createList.isPending || save.isPending} disabled={!choice}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
