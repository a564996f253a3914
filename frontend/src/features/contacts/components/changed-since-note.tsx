import { Badge, Button, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { isolated } from '@/lib/text';

import type { TenantCorrection } from '../api/list-corrections';
import { useSubmitCorrection } from '../api/submit-correction';
import { correctionName } from '../correction-state';
import { correctionFieldLabel, type CorrectionField } from '../labels';

/**
 * A pending correction whose field changed in the shared record since it was filed: staff will not
 * accept it (it would undo the newer change). Says so, with the value now, and offers to undo it
 * (back to the shared value) where the user may correct and there is a value to go back to.
 */
export function ChangedSinceNote({ correction, canUndo }: { correction: TenantCorrection; canUndo: boolean }) {
  if (correction.status !== 'pending' || !correction.stale) return null;
  return (
    <Stack gap={4} data-testid={`changed-since-${correction.field}`}>
      <Badge color="orange" variant="light" tt="none" style={{ alignSelf: 'flex-start' }}>
        Changed since
      </Badge>
      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        The shared value changed since you filed this: it is now “<bdi>{correction.current_value || 'empty'}</bdi>”. Staff will not
        accept your correction, since it would undo that change. Undo it to see the new value, or correct the field
        again.
      </Text>
      {canUndo && <UndoCorrectionButton correction={correction} />}
    </Stack>
  );
}

/**
 * Undoes a pending correction: corrects the field back to the shared value, which the server accepts
 * at once and which withdraws the pending one. Not offered when the shared value is empty (a
 * correction needs a value).
 */
export function UndoCorrectionButton({ correction }: { correction: TenantCorrection }) {
  const submit = useSubmitCorrection();
  if (correction.status !== 'pending' || !correction.current_value) return null;
  const name = correctionName(correction);
  return (
    <Stack gap={4} align="flex-start">
      <Button
        size="xs"
        variant="light"
        color="gray"
        loading={submit.isPending}
        aria-label={`Undo ${name}`}
        onClick={() =>
          submit.mutate(
            { contactId: correction.contact_id, field: correction.field as CorrectionField, value: correction.current_value },
            {
              onSuccess: () =>
                notifications.show({
                  color: 'gray',
                  message: `Undone: ${correctionFieldLabel(correction.field)} shows the shared value “${isolated(correction.current_value)}” again.`,
                }),
            },
          )
        }
      >
        Undo
      </Button>
      {submit.error ? <ApiErrorAlert error={submit.error} /> : null}
    </Stack>
  );
}
