import { Anchor, Button, Group, Select, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { pushStatusLabels, pushStatusOptions } from '@/components/crm/labels';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { usePermissions } from '@/lib/auth/permissions';
import type { CrmPushStatus } from '@/lib/crm/get-crm-push';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useCrmPushes, type CrmPushFilter } from '../api/list-crm-pushes';
import { PushesTable } from '../components/pushes-table';
import { endOfDay, startOfDay } from '../dates';

const statusData = [{ value: '', label: 'Any status' }, ...pushStatusOptions];

function parseStatus(value: string | null): CrmPushStatus | undefined {
  return value && value in pushStatusLabels ? (value as CrmPushStatus) : undefined;
}

/**
 * /integrations/pushes (crm:read): every push to the CRM, newest first, filtered by status and by
 * the day it started (the filters live in the URL); "Load more" follows the cursor.
 */
export function CrmPushesRoute() {
  useDocumentTitle('Push history');
  const canPush = usePermissions().has('crm:push');
  const [params, setParams] = useSearchParams();
  const status = parseStatus(params.get('status'));
  const fromDay = params.get('from') ?? '';
  const toDay = params.get('to') ?? '';
  const filter = useMemo<CrmPushFilter>(
    () => ({ status, from: startOfDay(fromDay), to: endOfDay(toDay) }),
    [status, fromDay, toDay],
  );
  const pushes = useCrmPushes(filter);
  const items = pushes.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(status || fromDay || toDay);

  const setParam = (name: string, value: string) =>
    setParams(
      (current) => {
        if (value) current.set(name, value);
        else current.delete(name);
        return current;
      },
      { replace: true },
    );

  return (
    <Stack gap="md" maw={1300}>
      <Anchor component={Link} to="/integrations" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          Integrations
        </Group>
      </Anchor>
      <PageHeader
        title="Push history"
        description="Every push to the 1CloudAI CRM with its counts. Open one to see each contact, every attempt and the CRM's answer."
      />
      <Group align="flex-end" gap="sm" role="group" aria-label="Filter pushes">
        <Select
          label="Status"
          w={220}
          data={statusData}
          value={status ?? ''}
          onChange={(value) => setParam('status', value ?? '')}
          allowDeselect={false}
        />
        <TextInput type="date" label="From" w={170} value={fromDay} onChange={(e) => setParam('from', e.currentTarget.value)} />
        <TextInput type="date" label="To" w={170} value={toDay} onChange={(e) => setParam('to', e.currentTarget.value)} />
        {filtered && (
          <Button variant="subtle" onClick={() => setParams({}, { replace: true })}>
            Clear filters
          </Button>
        )}
      </Group>

      {pushes.isPending ? (
        <Skeleton height={200} aria-label="Loading pushes" />
      ) : pushes.isError ? (
        <ApiErrorAlert error={pushes.error} onRetry={() => void pushes.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="pushes-empty">
          {filtered
            ? 'No pushes match these filters.'
            : canPush
              ? 'No pushes yet. Push approved contacts from the Integrations page.'
              : // A viewer reads the history but has no push button to look for.
                'No pushes yet. Members and org admins push approved contacts from the Integrations page.'}
        </Text>
      ) : (
        <>
          <PushesTable pushes={items} />
          <LoadMoreButton query={pushes} />
        </>
      )}
    </Stack>
  );
}
