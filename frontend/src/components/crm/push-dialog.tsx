import { Alert, Anchor, Button, Group, List, Modal, Paper, Progress, SimpleGrid, Skeleton, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { ComparePackagesLink } from '@/components/usage/compare-packages-link';
import { isApiError } from '@/lib/api-error';
import { usePermissions } from '@/lib/auth/permissions';
import { previewCrmPushQueryOptions, useCreateCrmPush, type CrmPushResult, type CrmPushSelection } from '@/lib/crm/create-crm-push';
import { isPushSettled, pushProgress, useCrmPushProgress, type CrmPushDetail } from '@/lib/crm/get-crm-push';
import { crmQueryKey } from '@/lib/crm/query-keys';
import { formatNumber, formatResetTime } from '@/lib/format';
import { getUsageQueryOptions, useUsage } from '@/lib/usage/get-usage';

import { reasonLabel } from './labels';
import { PushStatusBadge } from './push-status-badge';

export type PushDialogProps = {
  opened: boolean;
  onClose: () => void;
  /** The contacts to push: ids (e.g. a selection on the Saved page) or every approved one not pushed yet. */
  selection: CrmPushSelection;
  /** The dialog's title. */
  title?: string;
  /** Called once the push is queued, with its id. */
  onPushed?: (pushId: string) => void;
  /** Called once every contact of the push is settled: the page reads its contacts' CRM status again. */
  onSettled?: () => void;
};

/**
 * Pushing contacts to the 1CloudAI CRM in two steps: a dry run previews how many contacts will be
 * created, updated, skipped (unchanged since the last push, or already queued) or rejected (not
 * approved, deleted in the CRM…) with the reasons; Push queues it, and the dialog then follows the
 * push (GET /crm/pushes/{id} every second) until every contact is settled.
 */
export function PushDialog({ opened, onClose, selection, title = 'Push to 1CloudAI CRM', onPushed, onSettled }: PushDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg">
      {/* Mounted only while open: every opening starts with a fresh preview. */}
      {opened && <PushDialogBody selection={selection} onClose={onClose} onPushed={onPushed} onSettled={onSettled} />}
    </Modal>
  );
}

function PushDialogBody({
  selection,
  onClose,
  onPushed,
  onSettled,
}: {
  selection: CrmPushSelection;
  onClose: () => void;
  onPushed?: (pushId: string) => void;
  onSettled?: () => void;
}) {
  const [pushId, setPushId] = useState<string | null>(null);
  const preview = useQuery({ ...previewCrmPushQueryOptions(selection), enabled: pushId === null });
  const push = useCreateCrmPush();
  const queryClient = useQueryClient();

  if (pushId !== null) return <PushProgress pushId={pushId} onClose={onClose} onSettled={onSettled} />;

  const sendable = preview.data ? preview.data.to_create + preview.data.to_update : 0;
  const overQuota = preview.data !== undefined && sendable > preview.data.quota_remaining;

  return (
    <Stack gap="md">
      {preview.isPending ? (
        <Stack gap="xs" aria-label="Loading the preview">
          <Text size="sm" c="dimmed">
            Checking which contacts can be pushed…
          </Text>
          <Skeleton height={72} />
        </Stack>
      ) : preview.isError ? (
        <Stack gap="xs">
          <ApiErrorAlert error={preview.error} onRetry={() => void preview.refetch()} />
          {isApiError(preview.error) && preview.error.status === 409 && (
            <Text size="sm">
              <Anchor component={Link} to="/integrations" onClick={onClose}>
                Open Integrations
              </Anchor>{' '}
              to connect or reconnect the CRM.
            </Text>
          )}
        </Stack>
      ) : (
        <PreviewCounts preview={preview.data} onClose={onClose} />
      )}

      {overQuota && <PushOverQuotaAlert remaining={preview.data.quota_remaining} />}
      {push.error !== null &&
        !overQuota &&
        (isQuotaExceeded(push.error) ? (
          // The preview's room was taken meanwhile (another push): the meter says what is left now.
          <PushOverQuotaAlert />
        ) : (
          <ApiErrorAlert error={push.error} />
        ))}

      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          leftSection={<IconCloudUpload size={16} aria-hidden />}
          disabled={!preview.data || sendable === 0 || overQuota}
          loading={push.isPending}
          onClick={() =>
            push.mutate(selection, {
              onSuccess: (result) => {
                if (!result.id) return;
                setPushId(result.id);
                onPushed?.(result.id);
              },
              onError: (error) => {
                if (!isQuotaExceeded(error)) return;
                // What is left now, for the alert and the preview (which then turns the button off).
                void queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey });
                void preview.refetch();
              },
            })
          }
        >
          {sendable > 0 ? `Push ${formatNumber(sendable)} contact${sendable === 1 ? '' : 's'}` : 'Push'}
        </Button>
      </Group>
    </Stack>
  );
}

function Count({ label, value, testId, color }: { label: string; value: number; testId: string; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={value > 0 ? color : undefined} data-testid={testId}>
        {formatNumber(value)}
      </Text>
    </Paper>
  );
}

/** A 429 quota-exceeded: the month's CRM pushes cannot cover the push (a plain rate limit is not). */
function isQuotaExceeded(error: unknown): boolean {
  return isApiError(error) && error.status === 429 && error.type === 'quota-exceeded';
}

/**
 * The month's CRM pushes do not cover this push: what is left (the preview's figure, else the usage
 * meter's), when the quota renews, and where a larger package is, instead of a button that would be
 * refused or the server's sentence with its metric name and timestamp.
 */
function PushOverQuotaAlert({ remaining }: { remaining?: number }) {
  const usage = useUsage();
  const quota = usage.data?.quotas.find((q) => q.metric === 'crm_pushes');
  const left = remaining ?? quota?.remaining;
  return (
    <Alert color="yellow" variant="light" title="Not enough CRM pushes left this month" data-testid="push-over-quota">
      <Text size="sm">
        {left === undefined
          ? 'This month’s CRM pushes do not cover this push'
          : `Only ${formatNumber(left)}${quota ? ` of this month’s ${formatNumber(quota.limit)}` : ''} CRM pushes are left`}
        : the push would be refused.{quota ? ` The quota renews on ${formatResetTime(quota.reset_at)}.` : ''}
      </Text>
      <ComparePackagesLink />
    </Alert>
  );
}

function PreviewCounts({ preview, onClose }: { preview: CrmPushResult; onClose: () => void }) {
  // Members push but only org admins approve: they are told whom to ask.
  const canApprove = usePermissions().has('saved:approve');
  const reasons = Object.entries(preview.reasons ?? {}).filter(([, n]) => n > 0);
  const sendable = preview.to_create + preview.to_update;
  if (preview.total === 0) {
    return (
      <Stack gap="sm" data-testid="push-preview">
        <Alert color="gray" variant="light" data-testid="push-nothing">
          {canApprove ? (
            <>
              No approved contact is waiting for the CRM:{' '}
              {/* The saved contacts still waiting for approval, where an org admin approves them. */}
              <Anchor component={Link} to="/saved?status=saved" inherit onClick={onClose}>
                approve saved contacts
              </Anchor>{' '}
              first, or change one that was pushed to send it again.
            </>
          ) : (
            'No approved contact is waiting for the CRM: an org admin approves saved contacts for it, or change one that was pushed to send it again.'
          )}
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack gap="sm" data-testid="push-preview">
      <Text size="sm">
        Of {formatNumber(preview.total)} contact{preview.total === 1 ? '' : 's'}, the CRM will get:
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Count label="To create" value={preview.to_create} testId="preview-to-create" color="green" />
        <Count label="To update" value={preview.to_update} testId="preview-to-update" color="blue" />
        <Count label="Skipped" value={preview.skipped} testId="preview-skipped" />
        <Count label="Rejected" value={preview.rejected} testId="preview-rejected" color="orange" />
      </SimpleGrid>
      {reasons.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Not sent:
          </Text>
          <List size="sm" spacing={2} data-testid="preview-reasons">
            {reasons.map(([reason, n]) => (
              <List.Item key={reason} data-reason={reason}>
                {reasonLabel(reason)}: {formatNumber(n)}
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
      {sendable === 0 && (
        <Alert color="gray" variant="light" data-testid="push-nothing">
          Nothing to push: only approved contacts whose data (or the field ownership rules) changed since their last push are sent.
        </Alert>
      )}
      <Text size="xs" c="dimmed">
        Contacts are matched in the CRM by their id here, so pushing again never creates duplicates. Each contact
        the CRM takes counts once against this month&apos;s CRM pushes ({formatNumber(preview.quota_remaining)} left);
        one whose push fails is given back.
      </Text>
    </Stack>
  );
}

function PushProgress({ pushId, onClose, onSettled }: { pushId: string; onClose: () => void; onSettled?: () => void }) {
  const progress = useCrmPushProgress(pushId);
  const push = progress.data;
  const settled = push !== undefined && isPushSettled(push.status);
  const queryClient = useQueryClient();
  const settledRef = useRef(onSettled);
  useEffect(() => {
    settledRef.current = onSettled;
  }, [onSettled]);
  // The Push button that had focus is gone: focus the dialog's way out, so that it stays in the
  // dialog (not on the page behind it) and Enter closes it.
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeRef.current?.focus();
  }, []);
  useEffect(() => {
    // The connection's last push and the history changed: read them again (not this push's
    // progress); so did this month's CRM pushes, and the CRM status of the contacts on the page.
    if (settled) {
      void queryClient.invalidateQueries({
        queryKey: crmQueryKey,
        predicate: (query) => !(query.queryKey.includes(pushId) && query.queryKey.includes('progress')),
      });
      void queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey });
      settledRef.current?.();
    }
  }, [settled, pushId, queryClient]);

  return (
    <Stack gap="md" data-testid="push-progress">
      {push ? <ProgressBody push={push} /> : progress.isError ? null : <Skeleton height={60} />}
      {progress.isError && <ApiErrorAlert error={progress.error} onRetry={() => void progress.refetch()} />}
      <Group justify="space-between">
        <Anchor component={Link} to={`/integrations/pushes/${pushId}`} size="sm" onClick={onClose}>
          View in push history
        </Anchor>
        <Button ref={closeRef} variant={settled ? 'filled' : 'default'} onClick={onClose}>
          {settled ? 'Done' : 'Close (the push goes on)'}
        </Button>
      </Group>
    </Stack>
  );
}

const pausedSentence =
  'Paused: the CRM connection needs re-authorization. The push resumes once an org admin reconnects on the Integrations page.';

function ProgressBody({ push }: { push: CrmPushDetail }) {
  const { toSend, done, percent } = pushProgress(push);
  const settled = isPushSettled(push.status);
  const problems = push.failed + push.deleted_in_crm;
  const outcome =
    push.status === 'completed'
      ? `Done: ${formatNumber(push.created + push.updated)} contact${push.created + push.updated === 1 ? '' : 's'} pushed to the CRM.`
      : push.status === 'cancelled'
        ? 'The push was cancelled (the CRM was disconnected).'
        : `Done with errors: ${formatNumber(problems)} contact${problems === 1 ? '' : 's'} could not be pushed. The push history shows the CRM's answer for each.`;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" fw={500} data-testid="push-progress-text">
          {formatNumber(done)} of {formatNumber(toSend)} sent
        </Text>
        <PushStatusBadge status={push.status} />
      </Group>
      <Progress
        value={percent}
        animated={!settled && push.status !== 'paused'}
        color={problems > 0 ? 'orange' : 'green'}
        aria-label="Push progress"
      />
      <Text size="sm" data-testid="push-progress-counts">
        {formatNumber(push.created)} created · {formatNumber(push.updated)} updated · {formatNumber(push.failed)} failed
        {push.deleted_in_crm > 0 ? ` · ${formatNumber(push.deleted_in_crm)} deleted in the CRM` : ''}
        {push.cancelled > 0 ? ` · ${formatNumber(push.cancelled)} cancelled` : ''}
      </Text>
      {push.status === 'paused' && (
        <Alert color="orange" variant="light">
          {pausedSentence}
        </Alert>
      )}
      {settled && (
        <Alert
          color={push.status === 'completed' ? 'green' : push.status === 'cancelled' ? 'gray' : 'orange'}
          variant="light"
          data-testid="push-done"
        >
          {outcome}
        </Alert>
      )}
      {/* Always here, empty while the push runs, so that a screen reader reads out a pause or the
          outcome wherever focus is (a status region added together with its text is not reliably read). */}
      <VisuallyHidden role="status" aria-atomic="true">
        {settled ? outcome : push.status === 'paused' ? pausedSentence : ''}
      </VisuallyHidden>
    </Stack>
  );
}
