import { Button, Group, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';

import { AuditEventsTable } from '@/components/audit/audit-events-table';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useDraft } from '@/lib/use-draft';

import { useAuditEvents } from '../api/list-audit-events';

/**
 * /audit: the organization's audit log (org admins), filterable by action, newest first. The filter
 * lives in the URL (?action=member.*): a reload, a shared link and Back keep it.
 */
export function AuditLogRoute() {
  useDocumentTitle('Audit log');
  const [params, setParams] = useSearchParams();
  const action = params.get('action')?.trim() ?? '';
  const events = useAuditEvents({ action });
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  const apply = (next: string) => setParams(next ? { action: next } : {}, { preventScrollReset: true });

  return (
    <Stack gap="md" maw={1200}>
      <PageHeader
        title="Audit log"
        description="Who did what in this organization: sign-ins, team and role changes, API keys, imports, corrections, saved-contact reviews, the CRM connection and pushes, and package changes."
      />
      <ActionFilter action={action} onApply={apply} />
      {events.isPending ? (
        <Skeleton height={200} aria-label="Loading audit events" />
      ) : events.isError ? (
        <ApiErrorAlert error={events.error} onRetry={() => void events.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No events{action ? ` match ${action}` : ''}.
        </Text>
      ) : (
        <>
          <AuditEventsTable events={items} />
          <LoadMoreButton query={events} />
        </>
      )}
    </Stack>
  );
}

function ActionFilter({ action, onApply }: { action: string; onApply: (action: string) => void }) {
  // Back, Forward or Clear change the filter in the URL: the box shows it.
  const [draft, setDraft] = useDraft(action);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft.trim());
  };

  return (
    <form onSubmit={submit} aria-label="Filter the audit log">
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Action"
          description="Exact, or a prefix ending in * (member.*, auth.*)"
          placeholder="member.*"
          w={280}
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
        />
        <Button type="submit" variant="light" leftSection={<IconSearch size={16} aria-hidden />}>
          Filter
        </Button>
        {action && (
          <Button variant="subtle" onClick={() => onApply('')}>
            Clear
          </Button>
        )}
      </Group>
    </form>
  );
}
