import { Anchor, Badge, Group, Paper, Select, Skeleton, Stack, Text } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { usePermissions } from '@/lib/auth/permissions';
import { formatDateTime } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useCorrections, type CorrectionStatus, type TenantCorrection } from '../api/list-corrections';
import { ContactDrawer, type DrawerView } from '../components/contact-drawer';
import { ChangedSinceNote, UndoCorrectionButton } from '../components/changed-since-note';
import { correctionState } from '../correction-state';
import { correctionFieldLabel } from '../labels';

const statusOptions: { value: CorrectionStatus; label: string }[] = [
  { value: 'pending', label: 'Pending review' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'withdrawn', label: 'Withdrawn' },
];

function parseStatus(params: URLSearchParams): CorrectionStatus | undefined {
  const status = params.get('status');
  return statusOptions.find((o) => o.value === status)?.value;
}

/**
 * /corrections: the organization's corrections, newest first, as GET /corrections pages them, with
 * a status filter (kept in the address), who filed each and when, what it changed, its state, and
 * for a pending one whose shared value changed since, a note saying so. The contact opens in the
 * drawer; members undo a pending correction (back to the shared value). Viewers read.
 */
export function CorrectionsRoute() {
  useDocumentTitle('Corrections');
  const permissions = usePermissions();
  const canCorrect = permissions.has('corrections:write');
  const canSave = permissions.has('saved:write');
  const [params, setParams] = useSearchParams();
  const status = parseStatus(params);
  const corrections = useCorrections({ status });
  const [drawer, setDrawer] = useState<DrawerView | null>(null);
  const items = corrections.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="md">
      <PageHeader
        title="Corrections"
        description="Corrections your organization filed, newest first. Your organization sees a corrected value at once; corrections of shared contacts wait for our staff to review them for everyone."
      />
      <Select
        label="Status"
        w={{ base: '100%', xs: 220 }}
        data={[{ value: '', label: 'Any status' }, ...statusOptions]}
        value={status ?? ''}
        allowDeselect={false}
        onChange={(next) => {
          const nextParams = new URLSearchParams(params);
          if (next) nextParams.set('status', next);
          else nextParams.delete('status');
          setParams(nextParams);
        }}
      />
      {corrections.isPending ? (
        <Skeleton height={200} aria-label="Loading corrections" />
      ) : corrections.isError ? (
        <ApiErrorAlert error={corrections.error} onRetry={() => void corrections.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="corrections-empty">
          {status
            ? 'No corrections in this status.'
            : canCorrect
              ? (
                <>
                  No corrections yet. Open a contact from{' '}
                  <Anchor component={Link} to="/search" inherit>
                    Search
                  </Anchor>{' '}
                  or{' '}
                  <Anchor component={Link} to="/saved" inherit>
                    Saved
                  </Anchor>{' '}
                  and suggest one where a value is wrong.
                </>
              )
              : // A viewer's contact details have no correction form: do not send them looking for one.
                'No corrections yet. Members and org admins suggest them from a contact’s details.'}
        </Text>
      ) : (
        <>
          <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Corrections">
            {items.map((correction) => (
              <CorrectionItem
                key={correction.id}
                correction={correction}
                canUndo={canCorrect}
                onOpen={() => setDrawer({ kind: 'contact', id: correction.contact_id })}
              />
            ))}
          </Stack>
          <LoadMoreButton query={corrections} />
        </>
      )}
      <ContactDrawer
        view={drawer}
        onNavigate={setDrawer}
        onClose={() => setDrawer(null)}
        canSave={canSave}
        canCorrect={canCorrect}
      />
    </Stack>
  );
}

function CorrectionItem({
  correction,
  canUndo,
  onOpen,
}: {
  correction: TenantCorrection;
  canUndo: boolean;
  onOpen: () => void;
}) {
  const state = correctionState(correction);
  const field = correctionFieldLabel(correction.field);
  return (
    <Paper component="li" withBorder p="sm" data-testid="tenant-correction" style={{ overflowWrap: 'anywhere' }}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Group gap="xs" wrap="wrap">
            <Anchor component="button" type="button" fw={500} size="sm" onClick={onOpen}>
              {correction.contact_name || 'Unnamed contact'}
            </Anchor>
            <Badge variant="light" color="gray" tt="none">
              {field}
            </Badge>
          </Group>
          <Badge variant="light" color={state.color} tt="none" data-testid="correction-state">
            {state.label}
          </Badge>
        </Group>
        <Group gap={6} wrap="wrap">
          <Text size="sm" c="dimmed" td="line-through">
            {correction.old_value || '(empty)'}
          </Text>
          <IconArrowRight size={14} aria-label="becomes" />
          <Text size="sm" fw={500}>
            {correction.new_value}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          {state.description}
        </Text>
        <ChangedSinceNote correction={correction} canUndo={canUndo} />
        {!correction.stale && canUndo && <UndoCorrectionButton correction={correction} />}
        <Text size="xs" c="dimmed">
          Filed by {filedBy(correction)} ·{' '}
          {formatDateTime(correction.created_at)}
          {correction.reviewed_at && correction.status !== 'pending' && !correction.applied_at_once
            ? ` · ${state.label.toLowerCase()} ${formatDateTime(correction.reviewed_at)}`
            : ''}
        </Text>
      </Stack>
    </Paper>
  );
}

/**
 * Who filed a correction: a person, an API key by its name, or a user since removed. Names are
 * isolated, so a right-to-left one keeps to its own direction in the sentence.
 */
function filedBy(correction: TenantCorrection): ReactNode {
  if (correction.submitted_by_name) return <bdi>{correction.submitted_by_name}</bdi>;
  if (correction.submitted_by_key) {
    return (
      <>
        the API key “<bdi>{correction.submitted_by_key_name ?? ''}</bdi>”
      </>
    );
  }
  return 'a removed user';
}
