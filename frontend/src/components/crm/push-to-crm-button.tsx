import { Button, type ButtonProps } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { useState } from 'react';

import { usePermissions } from '@/lib/auth/permissions';
import type { CrmPushSelection } from '@/lib/crm/create-crm-push';

import { PushDialog } from './push-dialog';

type PushToCrmButtonProps = Omit<ButtonProps, 'children' | 'onClick'> & {
  /** The contacts to push; without ids, every approved contact the CRM does not hold yet. */
  contactIds?: string[];
  label?: string;
  onPushed?: (pushId: string) => void;
  /** Called once the push is settled (e.g. to read the page's contacts again). */
  onSettled?: () => void;
};

/**
 * "Push to CRM" and its dialog (preview, then progress), for users with crm:push; renders nothing
 * for everyone else. Mount it beside a selection (`contactIds`) or alone for all approved contacts.
 */
export function PushToCrmButton({ contactIds, label, onPushed, onSettled, ...buttonProps }: PushToCrmButtonProps) {
  const permissions = usePermissions();
  const [opened, setOpened] = useState(false);
  const [selection, setSelection] = useState<CrmPushSelection>({ allApprovedNotPushed: true });
  if (!permissions.has('crm:push')) return null;

  const count = contactIds?.length ?? 0;
  const picked = 'contactIds' in selection ? selection.contactIds.length : null;
  const title =
    picked === null
      ? 'Push approved contacts to 1CloudAI CRM'
      : `Push ${picked} selected contact${picked === 1 ? '' : 's'} to 1CloudAI CRM`;

  return (
    <>
      <Button
        leftSection={<IconCloudUpload size={16} aria-hidden />}
        disabled={contactIds !== undefined && count === 0}
        {...buttonProps}
        onClick={() => {
          // The selection is taken when the dialog opens, so it cannot change under a running preview.
          setSelection(contactIds ? { contactIds: [...contactIds] } : { allApprovedNotPushed: true });
          setOpened(true);
        }}
      >
        {label ?? (contactIds ? 'Push to CRM' : 'Push approved to CRM')}
      </Button>
      <PushDialog
        opened={opened}
        onClose={() => setOpened(false)}
        selection={selection}
        title={title}
        onPushed={onPushed}
        onSettled={onSettled}
      />
    </>
  );
}
