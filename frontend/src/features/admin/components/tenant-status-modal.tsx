import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useRef, useState } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { fieldError } from '@/lib/form-errors';
import { trimmedCharacters, isolated } from '@/lib/text';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useSetTenantStatus } from '../api/set-tenant-status';

type TenantStatusModalProps = {
  opened: boolean;
  tenantId: string;
  tenantName: string;
  /** The status to set. */
  target: 'active' | 'suspended';
  onClose: () => void;
};

/** Suspends (with a reason) or reactivates a tenant; it takes effect on the tenant's next request. */
export function TenantStatusModal({ opened, tenantId, tenantName, target, onClose }: TenantStatusModalProps) {
  const setStatus = useSetTenantStatus();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const bodyRef = useFocusFirstInvalid<HTMLDivElement>(setStatus.error);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const suspending = target === 'suspended';

  const close = () => {
    setReason('');
    setReasonError(undefined);
    setStatus.reset();
    onClose();
  };

  const confirm = () => {
    if (suspending && trimmedCharacters(reason) < 3) {
      setReasonError('Say why the tenant is suspended (at least 3 characters).');
      reasonRef.current?.focus();
      return;
    }
    setStatus.mutate(
      { id: tenantId, status: target, reason: reason.trim() || undefined },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: `${isolated(tenantName)} is ${suspending ? 'suspended' : 'active again'}.` });
          close();
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={
        // The name in its own direction: an Arabic or Hebrew one took the verb's side.
        <>
          {suspending ? 'Suspend' : 'Reactivate'} <bdi>{tenantName}</bdi>
        </>
      }>
      <Stack gap="sm" ref={bodyRef}>
        <Text size="sm">
          {suspending
            ? 'Every member and API key of this tenant loses access on their next request, until it is reactivated.'
            : 'Members and API keys of this tenant get their access back at once.'}
        </Text>
        {suspending && (
          <Text size="sm">
            Billing goes on: a Stripe subscription keeps renewing, and the tenant cannot reach its billing page while
            suspended. If this ends the relationship, cancel the subscription in the Stripe Dashboard.
          </Text>
        )}
        <FormErrorAlert error={setStatus.error} fields={['reason']} />
        <Textarea
          ref={reasonRef}
          label="Reason"
          description={
            suspending
              ? "Required; recorded in the audit log, where the tenant's admins see it"
              : "Optional; recorded in the audit log, where the tenant's admins see it"
          }
          required={suspending}
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={reasonError ?? fieldError(setStatus.error, 'reason')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color={suspending ? 'red' : 'green'} loading={setStatus.isPending} onClick={confirm}>
            {suspending ? 'Suspend tenant' : 'Reactivate tenant'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
