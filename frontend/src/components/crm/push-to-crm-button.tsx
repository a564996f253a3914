import { Anchor, Button, Group, Text, type ButtonProps } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { usePermissions } from '@/lib/auth/permissions';
import { maxIdsPerCall } from '@/lib/bulk';
import type { CrmPushSelection } from '@/lib/crm/create-crm-push';
import { useCrmConnection } from '@/lib/crm/get-crm-connection';
import { formatNumber } from '@/lib/format';

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
 * While the CRM is known not to be connected (the server would answer 409) the button is disabled,
 * with a link to Integrations for those who may connect it, and a word on whom to ask for the rest.
 */
export function PushToCrmButton({ contactIds, label, onPushed, onSettled, ...buttonProps }: PushToCrmButtonProps) {
  const permissions = usePermissions();
  const [opened, setOpened] = useState(false);
  const [selection, setSelection] = useState<CrmPushSelection>({ allApprovedNotPushed: true });
  const mayPush = permissions.has('crm:push');
  const connection = useCrmConnection({ enabled: mayPush && permissions.has('crm:read') });
  if (!mayPush) return null;
  // Only org admins connect the CRM (crm:manage): a member is told whom to ask, not sent to a page where they cannot.
  const mayConnect = permissions.has('crm:manage');
  // Unknown (loading, or unreadable) keeps the button: the dialog then shows the server's answer.
  const status = connection.data?.status;
  const notConnected = status !== undefined && status !== 'connected';

  const count = contactIds?.length ?? 0;
  const picked = 'contactIds' in selection ? selection.contactIds.length : null;
  const title =
    picked === null
      ? 'Push approved contacts to 1CloudAI CRM'
      : `Push ${picked} selected contact${picked === 1 ? '' : 's'} to 1CloudAI CRM`;

  if (notConnected) {
    return (
      <Group gap={6} wrap="nowrap" data-testid="push-to-crm-not-connected">
        <Button leftSection={<IconCloudUpload size={16} aria-hidden />} {...buttonProps} disabled>
          {label ?? (contactIds ? 'Push to CRM' : 'Push approved to CRM')}
        </Button>
        {mayConnect ? (
          <Anchor component={Link} to="/integrations" size="xs">
            {status === 'needs_reauth' ? 'Reconnect the CRM first' : 'Connect the CRM first'}
          </Anchor>
        ) : (
          <Text size="xs" c="dimmed">
            {status === 'needs_reauth' ? 'An org admin has to reconnect the CRM first' : 'An org admin has to connect the CRM first'}
          </Text>
        )}
      </Group>
    );
  }

  // One push takes 1,000 picked contacts; every approved one is the other way to send more.
  if (count > maxIdsPerCall) {
    return (
      <Group gap={6} wrap="nowrap" data-testid="push-to-crm-too-many">
        <Button leftSection={<IconCloudUpload size={16} aria-hidden />} {...buttonProps} disabled>
          {label ?? 'Push to CRM'}
        </Button>
        <Text size="xs" c="dimmed">
          One push takes up to {formatNumber(maxIdsPerCall)} picked contacts: pick fewer, or push every approved one.
        </Text>
      </Group>
    );
  }

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
