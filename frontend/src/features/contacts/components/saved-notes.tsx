import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { fieldError } from '@/lib/form-errors';
import { capped, trimmedCharacters } from '@/lib/text';

import type { Contact } from '../api/search-contacts';
import { useUpdateSavedNotes } from '../api/update-saved-notes';

/**
 * The server's limit on a note (UpdateSavedContactRequest.notes), in characters (code points) once
 * the spaces around it are trimmed.
 */
export const maxNotesLength = 2000;

/**
 * The team's note on a saved contact: everyone in the organization reads it, members and org admins
 * edit it. Unsaving the contact drops it.
 */
export function SavedNotes({ contact, canEdit }: { contact: Contact; canEdit: boolean }) {
  const update = useUpdateSavedNotes();
  // The note as last saved: the answer to this form's save, else the contact's.
  const saved = (update.data ?? contact).saved_notes ?? '';
  const [draft, setDraft] = useState(saved);
  // The drawer first shows the row that was clicked, then the full record: a row from an earlier
  // search may hold an older note (a teammate changed it, unsaving dropped it). The box follows the
  // note the page learns of, unless the user has started to change it.
  const [shown, setShown] = useState(saved);
  if (saved !== shown) {
    setShown(saved);
    if (draft.trim() === shown) setDraft(saved);
  }
  const changed = draft.trim() !== saved;

  if (!canEdit) {
    return (
      <Text size="sm" c={saved ? undefined : 'dimmed'} style={{ whiteSpace: 'pre-wrap' }} data-testid="saved-notes">
        {saved || 'No note.'}
      </Text>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { contactId: contact.id, notes: draft },
      {
        onSuccess: (updated) => {
          setDraft(updated.saved_notes ?? '');
          notifications.show({ color: 'green', message: updated.saved_notes ? 'Note saved.' : 'Note removed.' });
        },
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Note">
      <Stack gap="xs">
        <Textarea
          label="Note for your team"
          size="xs"
          autosize
          minRows={2}
          maxRows={8}
          placeholder="Context for your team: where you met, what they need, …"
          value={draft}
          onChange={(e) => {
            setDraft(capped(e.currentTarget.value, maxNotesLength));
            if (update.isError) update.reset();
          }}
          description={`${trimmedCharacters(draft)} / ${maxNotesLength}`}
          error={fieldError(update.error, 'notes')}
        />
        <FormErrorAlert error={update.error} fields={['notes']} />
        <Group>
          <Button type="submit" size="xs" variant="light" loading={update.isPending} disabled={!changed}>
            Save note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
