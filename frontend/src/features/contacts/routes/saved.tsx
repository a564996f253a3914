import {
  Anchor,
  Box,
  Button,
  Card,
  Group,
  Loader,
  Select,
  Skeleton,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconDownload, IconPlaylistX, IconSearch, IconTrash, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { ConfirmModal } from '@/components/confirm-modal';
import { PushToCrmButton } from '@/components/crm/push-to-crm-button';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { isApiError } from '@/lib/api-error';
import { usePermissions } from '@/lib/auth/permissions';
import { formatDate, formatNumber, formatStatus } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { isolated } from '@/lib/text';

import { useApproveSaved } from '../api/approve-saved';
import { savedQueryKeyPrefix } from '../contact-cache';
import { useExportSaved } from '../api/export-saved';
import { listListsQueryOptions, useLists } from '../api/list-lists';
import { useSavedContacts, type SavedFilter, type SavedStatus } from '../api/list-saved';
import { useRejectSaved } from '../api/reject-saved';
import { useRemoveListMembers } from '../api/remove-list-members';
import type { Contact } from '../api/search-contacts';
import { useUnsaveContacts } from '../api/unsave-contacts';
import { ContactDrawer, type DrawerView } from '../components/contact-drawer';
import { InfiniteFooter } from '../components/infinite-footer';
import { ListsSidebar } from '../components/lists-sidebar';
import { ResultsTable } from '../components/results-table';
import { SaveToListModal } from '../components/save-to-list-modal';
import { formatTotal, savedStatusOptions, seniorityLabel, seniorityOptions } from '../labels';
import { WorkspaceLayout } from '../components/workspace-layout';

const statusData = [{ value: '', label: 'Any status' }, ...savedStatusOptions];

function parseFilter(params: URLSearchParams): SavedFilter {
  const status = params.get('status') as SavedStatus | null;
  return {
    q: params.get('q') ?? '',
    listId: params.get('list') ?? undefined,
    status: status && savedStatusOptions.some((o) => o.value === status) ? [status] : undefined,
    seniorities: params.getAll('seniority'),
    countries: params.getAll('country'),
  };
}

function toParams(filter: SavedFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.q) params.set('q', filter.q);
  if (filter.listId) params.set('list', filter.listId);
  if (filter.status?.[0]) params.set('status', filter.status[0]);
  for (const s of filter.seniorities ?? []) params.append('seniority', s);
  for (const c of filter.countries ?? []) params.append('country', c);
  return params;
}

/**
 * /saved: the organization's saved contacts. Lists on the left; filters, bulk approve/reject (org
 * admins), remove from list, unsave and a CSV export of exactly what the filters show.
 */
/** The empty states' way to where contacts get saved. */
function SearchLink() {
  return (
    <Anchor component={Link} to="/search" inherit>
      Search
    </Anchor>
  );
}

export function SavedRoute() {
  useDocumentTitle('Saved contacts');
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const canWrite = permissions.has('saved:write');
  const canApprove = permissions.has('saved:approve');
  const canExport = permissions.has('saved:export');
  const canCorrect = permissions.has('corrections:write');

  // The filters render at once; the URL follows them.
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState<SavedFilter>(() => parseFilter(params));
  const update = (next: Partial<SavedFilter>) => setFilter((current) => ({ ...current, ...next }));
  useEffect(() => {
    setParams(toParams(filter), { replace: true, preventScrollReset: true });
  }, [filter, setParams]);

  const [draft, setDraft] = useState(filter.q ?? '');
  const searchDraft = useDebouncedCallback((q: string) => update({ q: q.trim() }), 250);

  const lists = useLists();
  const currentList = lists.data?.items.find((l) => l.id === filter.listId);
  const saved = useSavedContacts(filter);
  const contacts = useMemo(() => saved.data?.pages.flatMap((p) => p.items) ?? [], [saved.data]);
  const first = saved.data?.pages[0];

  // The saved view answers 404 only for a list the organization does not have: deleted by a
  // teammate, one of the organization just switched away from, or an old link. Asking again would
  // fail forever, so the page moves to all saved contacts and says why.
  const listMissing = filter.listId !== undefined && isApiError(saved.error) && saved.error.status === 404;
  const [missingListId, setMissingListId] = useState<string | null>(null);
  if (listMissing && filter.listId) {
    setMissingListId(filter.listId);
    setFilter((current) => ({ ...current, listId: undefined }));
  }
  useEffect(() => {
    if (!missingListId) return;
    notifications.show({
      color: 'yellow',
      message: 'That list does not exist any more in this organization: showing all saved contacts.',
    });
    void queryClient.invalidateQueries({ queryKey: listListsQueryOptions().queryKey });
  }, [missingListId, queryClient]);

  const filterKey = JSON.stringify(filter);
  const [selection, setSelection] = useState<{ key: string; ids: Set<string> }>({ key: filterKey, ids: new Set() });
  const selected = selection.key === filterKey ? selection.ids : new Set<string>();
  const clearSelection = () => setSelection({ key: filterKey, ids: new Set() });
  // A bulk action clears the selection, and the bar with the button just used goes with it: keyboard
  // focus moves to the table's select-all box, where the next pick starts, not to the top of the page.
  const tableRef = useRef<HTMLDivElement>(null);
  const clearSelectionAfterBulk = () => {
    clearSelection();
    tableRef.current?.querySelector<HTMLElement>('thead input[type="checkbox"]')?.focus();
  };
  const [active, setActive] = useState({ key: filterKey, index: -1 });
  const [drawer, setDrawer] = useState<DrawerView | null>(null);
  const [saving, setSaving] = useState<{ ids: string[]; bulk: boolean } | null>(null);
  // "Add to list…" offers the list added to last, never the open one: its contacts are on it already.
  const [lastListId, setLastListId] = useState<string | null>(null);
  const [confirmUnsave, setConfirmUnsave] = useState(false);

  const approve = useApproveSaved();
  const reject = useRejectSaved();
  const unsave = useUnsaveContacts();
  const removeMembers = useRemoveListMembers();
  const exporter = useExportSaved();
  const ids = [...selected];
  const plural = (n: number) => `${formatNumber(n)} contact${n === 1 ? '' : 's'}`;

  const bulk = (
    mutation: { mutate: (ids: string[], options: { onSuccess: (r: { count: number }) => void }) => void },
    done: (count: number) => string,
  ) =>
    mutation.mutate(ids, {
      onSuccess: ({ count }) => {
        notifications.show({ color: 'green', message: done(count) });
        clearSelectionAfterBulk();
      },
    });

  const bulkError = approve.error ?? reject.error ?? removeMembers.error ?? exporter.error;
  // An action's error is about the contacts it was for: other filters show other contacts.
  const { reset: resetApprove } = approve;
  const { reset: resetReject } = reject;
  const { reset: resetRemove } = removeMembers;
  const { reset: resetExport } = exporter;
  useEffect(() => {
    resetApprove();
    resetReject();
    resetRemove();
    resetExport();
  }, [filterKey, resetApprove, resetReject, resetRemove, resetExport]);

  return (
    <Stack gap="md">
      <PageHeader
        title="Saved contacts"
        description="Everyone your organization saved, by list and review status."
        actions={
          canExport && (
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={exporter.isPending}
              // Nothing saved matches (known once the first page answered): the file would hold headers only.
              disabled={first?.total === 0}
              onClick={() => exporter.mutate(filter)}
            >
              Export CSV
            </Button>
          )
        }
      />
      <WorkspaceLayout
        sidebarLabel="Lists"
        sidebar={
          <Card withBorder padding="sm">
            <ListsSidebar current={filter.listId ?? null} onSelect={(listId) => update({ listId: listId ?? undefined })} canWrite={canWrite} />
          </Card>
        }
      >
          <Stack gap="sm">
            <Group gap="sm" align="flex-end" wrap="wrap">
              <TextInput
                aria-label="Filter saved contacts"
                placeholder="Name, title or company"
                leftSection={<IconSearch size={16} aria-hidden />}
                style={{ flex: 1, minWidth: 160 }}
                value={draft}
                onChange={(e) => {
                  setDraft(e.currentTarget.value);
                  searchDraft(e.currentTarget.value);
                }}
              />
              <Select
                aria-label="Status"
                w={130}
                data={statusData}
                value={filter.status?.[0] ?? ''}
                onChange={(value) => update({ status: value ? [value as SavedStatus] : undefined })}
                allowDeselect={false}
              />
              <TagsInput
                aria-label="Seniority"
                placeholder={filter.seniorities?.length ? undefined : 'Seniority'}
                w={170}
                data={seniorityOptions.map((o) => o.label)}
                value={(filter.seniorities ?? []).map(seniorityLabel)}
                onChange={(labels) =>
                  update({
                    seniorities: labels.flatMap((label) => {
                      const option = seniorityOptions.find((o) => o.label.toLowerCase() === label.trim().toLowerCase());
                      return option ? [option.value] : [];
                    }),
                  })
                }
                clearable
              />
              <TagsInput
                aria-label="Countries"
                placeholder={filter.countries?.length ? undefined : 'Country (DE, France…)'}
                w={170}
                value={filter.countries ?? []}
                onChange={(countries) => update({ countries })}
                splitChars={[',']}
                clearable
              />
            </Group>

            <Group justify="space-between" gap="sm" mih={30}>
              <Group gap="xs">
                {first && (
                  <Text size="sm" fw={500} data-testid="saved-total">
                    {formatTotal(first.total, { capped: first.total_is_capped, estimate: first.total_is_estimate })} saved contact{first.total === 1 ? '' : 's'}
                    {currentList && (
                      <>
                        {' '}
                        on “<bdi>{currentList.name}</bdi>”
                      </>
                    )}
                  </Text>
                )}
                {saved.isFetching && !saved.isFetchingNextPage && <Loader size="xs" aria-label="Loading" />}
              </Group>
              {selected.size > 0 && (
                <Group gap="xs" data-testid="bulk-actions">
                  <Text size="sm" data-testid="selection-count">
                    {formatNumber(selected.size)} selected
                  </Text>
                  {canApprove && (
                    <>
                      <Button
                        size="xs"
                        color="green"
                        variant="light"
                        leftSection={<IconCheck size={14} aria-hidden />}
                        loading={approve.isPending}
                        onClick={() => bulk(approve, (n) => `${plural(n)} approved for the CRM.`)}
                      >
                        Approve
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        leftSection={<IconX size={14} aria-hidden />}
                        loading={reject.isPending}
                        onClick={() => bulk(reject, (n) => `${plural(n)} rejected.`)}
                      >
                        Reject
                      </Button>
                    </>
                  )}
                  <PushToCrmButton
                    size="xs"
                    variant="light"
                    contactIds={ids}
                    // The CRM column shows each contact's push status.
                    onSettled={() => void queryClient.invalidateQueries({ queryKey: savedQueryKeyPrefix })}
                  />
                  {canWrite && (
                    <Button size="xs" variant="default" onClick={() => setSaving({ ids, bulk: true })}>
                      Add to list…
                    </Button>
                  )}
                  {canWrite && currentList && (
                    <Button
                      size="xs"
                      variant="default"
                      leftSection={<IconPlaylistX size={14} aria-hidden />}
                      loading={removeMembers.isPending}
                      onClick={() =>
                        removeMembers.mutate(
                          { listId: currentList.id, contactIds: ids },
                          {
                            onSuccess: ({ count }) => {
                              notifications.show({ color: 'green', message: `${plural(count)} removed from “${isolated(currentList.name)}”.` });
                              clearSelectionAfterBulk();
                            },
                          },
                        )
                      }
                    >
                      Remove from list
                    </Button>
                  )}
                  {canWrite && (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      leftSection={<IconTrash size={14} aria-hidden />}
                      onClick={() => setConfirmUnsave(true)}
                    >
                      Unsave
                    </Button>
                  )}
                </Group>
              )}
            </Group>
            {bulkError ? <ApiErrorAlert error={bulkError} /> : null}

            {saved.isPending ? (
              <Stack gap={6} aria-label="Loading saved contacts">
                {Array.from({ length: 6 }, (_, i) => (
                  <Skeleton key={i} height={28} />
                ))}
              </Stack>
            ) : saved.isError && !saved.isFetchNextPageError ? (
              <ApiErrorAlert error={saved.error} onRetry={() => void saved.refetch()} />
            ) : contacts.length === 0 ? (
              <Card withBorder padding="lg">
                <Text size="sm" c="dimmed" ta="center">
                  {filter.q || filter.status || filter.seniorities?.length || filter.countries?.length
                    ? 'No saved contacts match these filters.'
                    : currentList
                      ? canWrite
                        ? (
                          <>
                            This list is empty. Save contacts to it from <SearchLink />.
                          </>
                        )
                        : 'This list is empty. Members and org admins add contacts to it from Search.'
                      : canWrite
                        ? (
                          <>
                            Nothing saved yet. Save contacts from <SearchLink /> to review, export or push them.
                          </>
                        )
                        : 'Nothing saved yet. Members and org admins save contacts from Search; they show here.'}
                </Text>
              </Card>
            ) : (
              <Box ref={tableRef} style={{ opacity: saved.isPlaceholderData ? 0.6 : 1 }}>
                <ResultsTable
                  label="Saved contacts"
                  contacts={contacts}
                  selected={selected}
                  onToggle={(id) => {
                    const next = new Set(selected);
                    if (next.has(id)) next.delete(id);
                    else next.add(id);
                    setSelection({ key: filterKey, ids: next });
                  }}
                  onToggleAll={(checked) =>
                    setSelection({ key: filterKey, ids: checked ? new Set(contacts.map((c) => c.id)) : new Set() })
                  }
                  activeIndex={active.key === filterKey ? active.index : -1}
                  onActiveChange={(index) => setActive({ key: filterKey, index })}
                  onOpen={(contact: Contact) => setDrawer({ kind: 'contact', id: contact.id, placeholder: contact })}
                  selectable={canWrite || canApprove}
                  locationFrom="xl"
                  extraColumns={[
                    { header: 'Saved on', visibleFrom: 'xl', cell: (c) => <Text size="xs">{formatDate(c.saved_at)}</Text> },
                    {
                      header: 'CRM',
                      visibleFrom: 'md',
                      cell: (c) => (
                        <Text size="xs" c={c.crm_status === 'failed' ? 'red' : undefined} data-testid="crm-status">
                          {c.crm_status ? formatStatus(c.crm_status) : '—'}
                        </Text>
                      ),
                    },
                  ]}
                />
                <InfiniteFooter query={saved} loadingLabel="Loading more" />
              </Box>
            )}
          </Stack>
      </WorkspaceLayout>

      <ContactDrawer
        view={drawer}
        onNavigate={setDrawer}
        onClose={() => setDrawer(null)}
        canSave={canWrite}
        canCorrect={canCorrect}
        onSave={(contact) => setSaving({ ids: [contact.id], bulk: false })}
      />
      <SaveToListModal
        opened={saving !== null}
        contactIds={saving?.ids ?? []}
        defaultListId={lastListId !== filter.listId ? lastListId : null}
        onClose={() => setSaving(null)}
        onSaved={(list) => {
          if (list) setLastListId(list.id);
          if (saving?.bulk) clearSelectionAfterBulk();
          else clearSelection();
        }}
      />
      <ConfirmModal
        opened={confirmUnsave}
        title="Unsave contacts"
        confirmLabel={`Unsave ${plural(selected.size)}`}
        loading={unsave.isPending}
        error={unsave.error}
        onClose={() => {
          setConfirmUnsave(false);
          unsave.reset();
        }}
        onConfirm={() =>
          unsave.mutate(ids, {
            onSuccess: ({ count }) => {
              notifications.show({ color: 'green', message: `${plural(count)} unsaved.` });
              clearSelectionAfterBulk();
              setConfirmUnsave(false);
            },
          })
        }
      >
        Unsave {plural(selected.size)}? They leave the saved view and every list, and their review status is lost.
      </ConfirmModal>
    </Stack>
  );
}
