import { Button, Group, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { type FormEvent } from 'react';

import { AuditEventsTable } from '@/components/audit/audit-events-table';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { fieldError, needsGeneralAlert, unshownFieldErrors } from '@/lib/form-errors';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useDraft } from '@/lib/use-draft';
import { useUrlFilter } from '@/lib/use-url-filter';

import { usePlatformAuditEvents } from '../api/list-platform-audit-events';

/**
 * /admin/audit: every tenant's events and platform events; filter by tenant id and action. The filter
 * lives in the URL (?tenant_id=…&action=tenant.*): a reload, a shared link and Back keep it.
 */
const filterFields = ['tenant_id', 'action'] as const;

export function AdminAuditRoute() {
  useDocumentTitle('Audit log · Admin');
  const [url, setUrl] = useUrlFilter(filterFields);
  const tenantId = url.tenant_id;
  const action = url.action;
  const events = usePlatformAuditEvents({ tenantId, action });
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  // Back or Forward change the filter in the URL: the boxes show it.
  const [draftTenant, setDraftTenant] = useDraft(tenantId);
  const [draftAction, setDraftAction] = useDraft(action);
  // A tenant id that is not one (typed, or in a shared link) is refused with the box's name: the
  // reason goes next to the box, not into an alert that does not say which box is wrong.
  const boxError = (field: (typeof filterFields)[number]) => (events.isError ? fieldError(events.error, field) : undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setUrl({ tenant_id: draftTenant, action: draftAction });
  };

  return (
    <Stack gap="md">
      <PageHeader title="Audit log" description="Every organization's events and the platform's own; filter by tenant id or action." />
      <form onSubmit={submit} aria-label="Filter the platform audit log">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Tenant id"
            placeholder="0190…"
            w={320}
            value={draftTenant}
            onChange={(e) => setDraftTenant(e.currentTarget.value)}
            error={boxError('tenant_id')}
          />
          <TextInput
            label="Action"
            placeholder="tenant.* or subscription.*"
            w={240}
            value={draftAction}
            onChange={(e) => setDraftAction(e.currentTarget.value)}
            error={boxError('action')}
          />
          <Button type="submit" variant="light" leftSection={<IconSearch size={16} aria-hidden />}>
            Filter
          </Button>
        </Group>
      </form>
      {events.isPending ? (
        <Skeleton height={200} aria-label="Loading audit events" />
      ) : events.isError ? (
        needsGeneralAlert(events.error, filterFields) && (
          <ApiErrorAlert
            error={events.error}
            fieldErrors={unshownFieldErrors(events.error, filterFields)}
            onRetry={() => void events.refetch()}
          />
        )
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No events match.
        </Text>
      ) : (
        <>
          <AuditEventsTable events={items} showTenant />
          <LoadMoreButton query={events} />
        </>
      )}
    </Stack>
  );
}
