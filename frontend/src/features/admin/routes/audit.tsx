import { Button, Group, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';

import { AuditEventsTable } from '@/components/audit/audit-events-table';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { useDocumentTitle } from '@/lib/use-document-title';

import { usePlatformAuditEvents, type PlatformAuditFilter } from '../api/list-platform-audit-events';

/** /admin/audit: every tenant's events and platform events; filter by tenant id and action. */
export function AdminAuditRoute() {
  useDocumentTitle('Audit log · Admin');
  const [draft, setDraft] = useState<PlatformAuditFilter>({ tenantId: '', action: '' });
  const [filter, setFilter] = useState<PlatformAuditFilter>({ tenantId: '', action: '' });
  const events = usePlatformAuditEvents(filter);
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ tenantId: draft.tenantId?.trim(), action: draft.action?.trim() });
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
