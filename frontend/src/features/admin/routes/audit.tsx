import { Button, Group, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';

import { AuditEventsTable } from '@/components/audit/audit-events-table';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { useDocumentTitle } from '@/lib/use-document-title';

import { usePlatformAuditEvents, type PlatformAuditFilter } from '../api/list-platform-audit-events';

/**
 * /admin/audit: every tenant's events and platform events; filter by tenant id and action. The filter
 * lives in the URL (?tenant_id=…&action=tenant.*): a reload, a shared link and Back keep it.
 */
export function AdminAuditRoute() {
  useDocumentTitle('Audit log · Admin');
  const [params, setParams] = useSearchParams();
  const tenantId = params.get('tenant_id')?.trim() ?? '';
  const action = params.get('action')?.trim() ?? '';
  const events = usePlatformAuditEvents({ tenantId, action });
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  const [draft, setDraft] = useState<PlatformAuditFilter>({ tenantId, action });
  // Back or Forward change the filter in the URL: the boxes show it.
  const [shown, setShown] = useState({ tenantId, action });
  if (shown.tenantId !== tenantId || shown.action !== action) {
    setShown({ tenantId, action });
    setDraft({ tenantId, action });
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    const nextTenant = draft.tenantId?.trim();
    const nextAction = draft.action?.trim();
    if (nextTenant) next.set('tenant_id', nextTenant);
    if (nextAction) next.set('action', nextAction);
    setParams(next, { preventScrollReset: true });
  };

  return (
    <Stack gap="md">
      <form onSubmit={submit} aria-label="Filter the platform audit log">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Tenant id"
            placeholder="0190…"
            w={320}
            value={draft.tenantId}
            onChange={(e) => {
              const tenantId = e.currentTarget.value;
              setDraft((d) => ({ ...d, tenantId }));
            }}
          />
          <TextInput
            label="Action"
            placeholder="tenant.* or subscription.*"
            w={240}
            value={draft.action}
            onChange={(e) => {
              const action = e.currentTarget.value;
              setDraft((d) => ({ ...d, action }));
            }}
          />
          <Button type="submit" variant="light" leftSection={<IconSearch size={16} aria-hidden />}>
            Filter
          </Button>
        </Group>
      </form>
      {events.isPending ? (
        <Skeleton height={200} aria-label="Loading audit events" />
      ) : events.isError ? (
        <ApiErrorAlert error={events.error} onRetry={() => void events.refetch()} />
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
