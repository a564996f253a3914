import { useEffect } from 'react';

import { ConfirmModal } from '@/components/confirm-modal';

import { useDeleteImport } from '../api/delete-import';
import type { ImportSummary } from '../api/list-imports';
import { useImportScope } from '../scope';

type DiscardImportModalProps = {
  /** The import to discard (one `isImportDiscardable` accepts). */
  imp: Pick<ImportSummary, 'id' | 'file_name' | 'status' | 'dry_run'>;
  opened: boolean;
  onClose: () => void;
  /** After the server removed it (the history list is refreshed by then). */
  onDiscarded: () => void;
};

/**
 * "Discard this import?" for an import that never ran (the wizard's Discard, and each such row of
 * the history): what goes, that nothing was imported, and DELETE imports/{id} on confirm. A new
 * opening starts without the error of an earlier attempt.
 */
export function DiscardImportModal({ imp, opened, onClose, onDiscarded }: DiscardImportModalProps) {
  const discard = useDeleteImport(useImportScope());
  const { reset } = discard;
  useEffect(() => {
    if (opened) reset();
  }, [opened, reset]);

  return (
    <ConfirmModal
      opened={opened}
      title="Discard this import?"
      confirmLabel="Discard import"
      loading={discard.isPending}
      error={discard.error}
      onClose={onClose}
      onConfirm={() => discard.mutate(imp.id, { onSuccess: onDiscarded })}
    >
      {/* The file's name in its own direction: an Arabic or Hebrew one took the sentence's punctuation. */}
      “<bdi>{imp.file_name}</bdi>”
      {imp.status === 'cancelled' && !imp.dry_run
        ? ' leaves the history. It was cancelled before it ran, so nothing was imported from it; to import the file later, upload it again.'
        : ` and its preview are removed and the import leaves the history. Nothing was imported from it${
            imp.dry_run ? ' (the dry run wrote nothing)' : ''
          }; to import the file later, upload it again.`}
    </ConfirmModal>
  );
}
