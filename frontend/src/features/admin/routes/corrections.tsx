import { Anchor, Badge, Button, Group, Select, Skeleton, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowRight, IconSearch } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { formatDateTime, formatNumber } from '@/lib/format';
import { fieldError, needsGeneralAlert, unshownFieldErrors } from '@/lib/form-errors';
import { useDocumentTitle } from '@/lib/use-document-title';
import { isolated } from '@/lib/text';
import { useDraft } from '@/lib/use-draft';
import { useUrlFilter } from '@/lib/use-url-filter';

import { useAcceptCorrection } from '../api/accept-correction';
import { usePendingCorrections, type CorrectionField, type PendingCorrection } from '../api/list-pending-corrections';
import { useRejectCorrection } from '../api/reject-correction';
import { useCanWrite } from '../use-can-write';

const fieldLabels: Record<CorrectionField, string> & Record<string, string | undefined> = {
  title: 'Title',
  email: 'Email',
  phone: 'Phone',
  company_name: 'Company name',
  city: 'City',
  country: 'Country',
  linkedin_url: 'LinkedIn URL',
};

const fieldOptions = [
  { value: '', label: 'All fields' },
  ...Object.entries(fieldLabels).map(([value, label]) => ({ value, label: label ?? value })),
];
const filterFields = ['tenant_id', 'field'] as const;

/**
 * /admin/corrections: the review queue of corrections customers submitted, oldest first. Accepting
 * writes the value into the shared record (every tenant sees it); rejecting leaves the shared
 * record and keeps the value for the submitting tenant only. Support staff see the queue read-only.
 * The queue filters by tenant and field; the filter lives in the URL (?tenant_id=…&field=title), so a
 * reload, a shared link, Back, and the tenant page's "Review its corrections" keep it.
 */
export function AdminCorrectionsRoute() {
  useDocumentTitle('Corrections · Admin');
  const canWrite = useCanWrite();
  const [url, setUrl] = useUrlFilter(filterFields);
  const tenantId = url.tenant_id;
  const field = url.field as CorrectionField | '';
  const queue = usePendingCorrections({ tenantId, field: field || undefined });
  const [draftTenant, setDraftTenant] = useDraft(tenantId);
  // A tenant id that is not one, or a field there is none of (a shared link), is refused by the
  // server with the parameter's name: the reason goes next to its box.
  const boxError = (name: (typeof filterFields)[number]) => (queue.isError ? fieldError(queue.error, name) : undefined);
  const filter = (next: { tenantId: string; field: string }) => setUrl({ tenant_id: next.tenantId, field: next.field });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    filter({ tenantId: draftTenant.trim(), field });
  };
  const filtered = tenantId !== '' || field !== '';
  const accept = useAcceptCorrection();
  const reject = useRejectCorrection();
  const [busy, setBusy] = useState<string | null>(null);
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  // Counted on each page, up to 1,000: the latest page's count is the freshest.
  const counted = queue.data?.pages.at(-1);
  const actionError = accept.error ?? reject.error;

  const review = (correction: PendingCorrection, action: 'accept' | 'reject') => {
    setBusy(correction.id);
    accept.reset();
    reject.reset();
    const mutation = action === 'accept' ? accept : reject;
    mutation.mutate(correction.id, {
      onSuccess: () =>
        notifications.show({
          color: action === 'accept' ? 'green' : 'gray',
          message:
            action === 'accept'
              ? `Accepted: ${label(correction)} is now “${isolated(correction.new_value)}” for everyone.`
              : `Rejected: only ${correction.tenant_name ? isolated(correction.tenant_name) : 'the tenant'} keeps “${isolated(correction.new_value)}”.`,
        }),
      onSettled: () => setBusy(null),
    });
  };

  return (
    <Stack gap="md">
      <PageHeader
        title="Corrections"
        description={`Corrections customers submitted, oldest first. ${
          canWrite
            ? 'Accept to update the shared record for every customer; reject to keep it (the submitting customer keeps their value).'
            : 'Support staff see the queue; system admins review it.'
        }`}
      />
      <form onSubmit={submit} aria-label="Filter the review queue">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Tenant id"
            placeholder="0190…"
            w={320}
            value={draftTenant}
            onChange={(e) => setDraftTenant(e.currentTarget.value)}
            error={boxError('tenant_id')}
          />
          <Select
            label="Field"
            w={200}
            data={fieldOptions}
            value={field}
            allowDeselect={false}
            onChange={(value) => filter({ tenantId, field: value ?? '' })}
            error={boxError('field')}
          />
          <Button type="submit" variant="light" leftSection={<IconSearch size={16} aria-hidden />}>
            Filter
          </Button>
          {filtered && (
            <Button variant="subtle" onClick={() => filter({ tenantId: '', field: '' })}>
              Show all
            </Button>
          )}
        </Group>
      </form>
      {actionError ? <ApiErrorAlert error={actionError} /> : null}
      {queue.isPending ? (
        <Skeleton height={200} aria-label="Loading corrections" />
      ) : queue.isError ? (
        needsGeneralAlert(queue.error, filterFields) && (
          <ApiErrorAlert
            error={queue.error}
            fieldErrors={unshownFieldErrors(queue.error, filterFields)}
            onRetry={() => void queue.refetch()}
          />
        )
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="corrections-empty">
          {filtered ? 'No corrections of this filter waiting for review.' : 'No corrections waiting for review.'}
        </Text>
      ) : (
        <>
          {counted && (
            <Text size="sm" data-testid="corrections-count">
              {counted.total_is_capped ? `More than ${formatNumber(counted.total)}` : formatNumber(counted.total)} waiting for
              review{filtered ? ' in this filter' : ''}.
            </Text>
          )}
          <Table.ScrollContainer minWidth={860}>
            <Table highlightOnHover verticalSpacing="xs" fz="sm" data-testid="corrections-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Contact</Table.Th>
                  <Table.Th>Field</Table.Th>
                  <Table.Th>Change</Table.Th>
                  <Table.Th>Tenant</Table.Th>
                  <Table.Th>Submitted</Table.Th>
                  {canWrite && <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((correction) => (
                  <Table.Tr key={correction.id} data-testid="correction-row">
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {correction.contact_name || correction.contact_id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="gray" tt="none">
                        {fieldLabels[correction.field] ?? correction.field}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" c="dimmed" td="line-through" style={{ overflowWrap: 'anywhere' }}>
                          {correction.old_value || '(empty)'}
                        </Text>
                        <IconArrowRight size={14} aria-label="becomes" />
                        <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                          {correction.new_value}
                        </Text>
                      </Group>
                      {correction.stale && (
                        <Stack gap={2} mt={4} data-testid="correction-stale">
                          <Badge color="orange" variant="light" tt="none" style={{ alignSelf: 'flex-start' }}>
                            Changed since
                          </Badge>
                          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                            Now “<bdi>{correction.current_value || '(empty)'}</bdi>”: accepting would undo that, so reject it.
                          </Text>
                        </Stack>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/admin/tenants/${correction.tenant_id}`} size="sm">
                        {correction.tenant_name || correction.tenant_id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{formatDateTime(correction.created_at)}</Table.Td>
                    {canWrite && (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap" justify="flex-end">
                          <Button
                            size="xs"
                            color="green"
                            variant="light"
                            loading={busy === correction.id && accept.isPending}
                            disabled={correction.stale || (busy !== null && busy !== correction.id)}
                            onClick={() => review(correction, 'accept')}
                            aria-label={`Accept ${label(correction)}`}
                          >
                            Accept
                          </Button>
                          <Button
                            size="xs"
                            color="red"
                            variant="subtle"
                            loading={busy === correction.id && reject.isPending}
                            disabled={busy !== null && busy !== correction.id}
                            onClick={() => review(correction, 'reject')}
                            aria-label={`Reject ${label(correction)}`}
                          >
                            Reject
                          </Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMoreButton query={queue} />
        </>
      )}
    </Stack>
  );
}

/** "the title of Zoë Müller" */
function label(correction: PendingCorrection): string {
  const field = (fieldLabels[correction.field] ?? correction.field).toLowerCase();
  return `the ${field} of ${correction.contact_name || 'the contact'}`;
}
