import { Button, Group } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';

import { importScopes, useImportScope } from '../scope';
import { DiscardImportModal } from './discard-import-modal';

type DiscardImportActionProps = {
  /** The import to discard (one `isImportDiscardable` accepts while `visible`). */
  imp: Parameters<typeof DiscardImportModal>[0]['imp'];
  /** Whether the button shows. The dialog stays mounted either way, so one opened goes on to its answer. */
  visible: boolean;
  disabled?: boolean;
};

/**
 * An import page's "Discard this import" button and its confirmation (the wizard's, and a cancelled
 * import's that never ran); once discarded, the history of the import's scope replaces the page.
 */
export function DiscardImportAction({ imp, visible, disabled = false }: DiscardImportActionProps) {
  const scope = useImportScope();
  const navigate = useNavigate();
  const [confirm, setConfirm] = useState(false);
  return (
    <>
      {visible && (
        <Group>
          <Button
            variant="subtle"
            color="red"
            size="xs"
            leftSection={<IconTrash size={14} />}
            disabled={disabled}
            onClick={() => setConfirm(true)}
          >
            Discard this import
          </Button>
        </Group>
      )}
      <DiscardImportModal
        imp={imp}
        opened={confirm}
        onClose={() => setConfirm(false)}
        onDiscarded={() => void navigate(importScopes[scope].basePath, { replace: true })}
      />
    </>
  );
}
