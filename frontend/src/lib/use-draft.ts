import { useState } from 'react';

/**
 * A form field's draft of `value` (e.g. a filter kept in the URL): the user edits the draft, and
 * when `value` changes from elsewhere (Back, Forward, Clear, a link) the draft shows it again.
 * The reset happens during render, so the field keeps its focus.
 */
export function useDraft(value: string): [string, (draft: string) => void] {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }
  return [draft, setDraft];
}
