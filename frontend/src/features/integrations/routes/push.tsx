import { Anchor, Card, Group, Select, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';

import { pushItemStatusOptions, selectionLabel } from '@/components/crm/labels';
import { PushStatusBadge } from '@/components/crm/push-status-badge';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { pushProgress, type CrmPushDetail, type CrmPushItemStatus } from '@/lib/crm/get-crm-push';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { isolated } from '@/lib/text';

import { useCrmPushItems } from '../api/get-crm-push-items';
import { PushItems } from '../components/push-items';

const itemStatusData = [{ value: '', label: 'All contacts' }, ...pushItemStatusOptions];

/**
 * /integrations/pushes/:pushId (crm:read): one push, its counts, and each contact with every
 * attempt and the CRM's answer. Read again while the push runs.
 */
export function CrmPushRoute() {
  useDocumentTitle('Push');
  const { pushId = '' } = useParams();
  const [itemStatus, setItemStatus] = useState<CrmPushItemStatus | undefined>(undefined);
  const push = useCrmPushItems(pushId, itemStatus);
  const first = push.data?.pages[0];
  const items = push.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md" maw={1200}>
      <Anchor component={Link} to="/integrations/pushes" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          Push history
        </Group>
      </Anchor>
      <PageHeader
        title={first ? `Push of ${formatDateTime(first.created_at)}` : 'Push'}
        description={first ? `${selectionLabel(first.selection)}, requested by ${first.requested_by_label ? isolated(first.requested_by_label) : 'an API key'}.` : undefined}
        actions={first && <PushStatusBadge status={first.status} />}
      />
      {push.isPending ? (
        <Skeleton height={240} aria-label="Loading the push" />
      ) : push.isError && !push.isFetchNextPageError ? (
        <ApiErrorAlert error={push.error} onRetry={() => void push.refetch()} />
      ) : first ? (
        <>
          <PushSummary push={first} />
          <Group justify="space-between" align="flex-end">
            <Select
              label="Contacts"
              w={220}
              data={itemStatusData}
              value={itemStatus ?? ''}
              onChange={(value) => setItemStatus((value || undefined) as CrmPushItemStatus | undefined)}
              allowDeselect={false}
            />
          </Group>
          {items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No contacts {itemStatus ? 'in this status' : 'in this push'}.
            </Text>
          ) : (
            <PushItems items={items} />
          )}
          {push.isFetchNextPageError && <ApiErrorAlert error={push.error} onRetry={() => void push.fetchNextPage()} />}
          <LoadMoreButton query={push}>Load more contacts</LoadMoreButton>
        </>
      ) : null}
    </Stack>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={700} data-testid={testId}>
        {formatNumber(value)}
      </Text>
    </Stack>
  );
}

function PushSummary({ push }: { push: CrmPushDetail }) {
  const { toSend, done } = pushProgress(push);
  return (
    <Card withBorder padding="md" data-testid="push-summary">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 2, sm: 4, md: 8 }} spacing="sm">
          <Stat label="Contacts" value={push.total} testId="summary-total" />
          <Stat label="Created" value={push.created} testId="summary-created" />
          <Stat label="Updated" value={push.updated} testId="summary-updated" />
          <Stat label="Skipped" value={push.skipped} testId="summary-skipped" />
          <Stat label="Rejected" value={push.rejected} testId="summary-rejected" />
          <Stat label="Failed" value={push.failed} testId="summary-failed" />
          <Stat label="Deleted in CRM" value={push.deleted_in_crm} testId="summary-deleted" />
          <Stat label="Waiting" value={push.queued + push.paused} testId="summary-waiting" />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {formatNumber(done)} of {formatNumber(toSend)} contacts to send are settled
          {push.cancelled > 0 ? `; ${formatNumber(push.cancelled)} cancelled` : ''}. Started{' '}
          {formatDateTime(push.created_at)}
          {push.finished_at ? `, finished ${formatDateTime(push.finished_at)}` : ''}.
        </Text>
      </Stack>
    </Card>
  );
}
