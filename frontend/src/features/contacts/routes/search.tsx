import {
  Box,
  Button,
  Card,
  CloseButton,
  Group,
  Kbd,
  Loader,
  Select,
  Skeleton,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { IconBookmarkPlus, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { OfflineAlert } from '@/components/errors/offline-alert';
import { PageHeader } from '@/components/layout/page-header';
import { usePermissions } from '@/lib/auth/permissions';
import { formatNumber } from '@/lib/format';
import { capped } from '@/lib/text';
import { useUsage } from '@/lib/usage/get-usage';
import { useDocumentTitle } from '@/lib/use-document-title';

import { isQuotaExceeded, useSearchContacts, type Contact, type SearchFilters as Filters, type SearchSort } from '../api/search-contacts';
import { ContactDrawer, type DrawerView } from '../components/contact-drawer';
import { InfiniteFooter } from '../components/infinite-footer';
import { ResultsTable } from '../components/results-table';
import { SaveToListModal } from '../components/save-to-list-modal';
import { SearchFilters } from '../components/search-filters';
import { QuotaExceededAlert, SearchQuotaBadge } from '../components/search-quota';
import { formatTotal } from '../labels';
import { activeFilterCount, hasCriteria, parseSearchState, toSearchParams, toSearchParamsRequest, type SearchState } from '../search-state';
import { WorkspaceLayout } from '../components/workspace-layout';

/** How long typing may pause before the query is searched. */
export const queryDebounceMs = 250;
/** Rows per page: fewer round trips while scrolling, within the package's max_contacts_per_query. */
const preferredPageSize = 50;
/** The pages of one search end after this many contacts (as many as the total counts: `total_is_capped`). */
const maxPagedResults = 10_000;

const sortOptions: { value: SearchSort; label: string }[] = [
  { value: 'relevance', label: 'Best match' },
  { value: 'name', label: 'Name (A–Z)' },
  { value: 'updated', label: 'Recently updated' },
];

const examples = ['engineer', '"head of sales"', 'marketing director', 'cto'];

/**
 * /search: the search workspace. The query box (debounced), the filters and the sort live in the
 * URL; the results load by cursor as the list scrolls. A new search uses one unit of the monthly
 * quota (shown in the header); further pages, the drawer and company pages are free.
 */
export function SearchRoute() {
  useDocumentTitle('Search');
  const permissions = usePermissions();
  const canSave = permissions.has('saved:write');
  const canReadSaved = permissions.has('saved:read');
  const canCorrect = permissions.has('corrections:write');

  // The state renders at once (a checkbox must not wait for the router); the URL follows it.
  const [params, setParams] = useSearchParams();
  const [state, setState] = useState<SearchState>(() => parseSearchState(params));
  const update = (next: Partial<SearchState>) => setState((current) => ({ ...current, ...next }));
  useEffect(() => {
    setParams(toSearchParams(state), { replace: true, preventScrollReset: true });
  }, [state, setParams]);

  const [draft, setDraft] = useState(state.query);
  const searchDraft = useDebouncedCallback((query: string) => update({ query: query.trim() }), queryDebounceMs);

  // The package decides the page size; wait for it rather than search twice.
  const usage = useUsage();
  const maxPageSize = usage.data?.package.max_contacts_per_query;
  const pageSize = maxPageSize ? Math.min(preferredPageSize, maxPageSize) : undefined;
  const request = toSearchParamsRequest(state, pageSize);
  const ready = hasCriteria(state);
  const search = useSearchContacts(request, { enabled: ready && !usage.isPending });

  // Offline, TanStack Query pauses the new search (networkMode 'online') while keeping the previous
  // results as placeholder: those are no answer to this query, so they are not shown meanwhile.
  const waitingForNetwork = search.isPaused && (search.isPending || search.isPlaceholderData);
  const answer = waitingForNetwork ? undefined : search.data;

  const searchKey = JSON.stringify(request);
  const contacts = useMemo(() => {
    const seen = new Set<string>();
    return (answer?.pages ?? []).flatMap((page) =>
      page.items.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true))),
    );
  }, [answer]);
  const first = answer?.pages[0];

  // Selection and the active row belong to one search: a new search starts with neither.
  const [selection, setSelection] = useState<{ key: string; ids: Set<string> }>({ key: searchKey, ids: new Set() });
  const selected = selection.key === searchKey ? selection.ids : new Set<string>();
  const [active, setActive] = useState<{ key: string; index: number }>({ key: searchKey, index: -1 });
  const activeIndex = active.key === searchKey ? active.index : -1;

  const toggle = (id: string) => {
    const ids = new Set(selected);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    setSelection({ key: searchKey, ids });
  };
  const toggleAll = (checked: boolean) =>
    setSelection({ key: searchKey, ids: checked ? new Set(contacts.map((c) => c.id)) : new Set() });

  const [drawer, setDrawer] = useState<DrawerView | null>(null);
  const [saving, setSaving] = useState<string[] | null>(null);
  const [lastListId, setLastListId] = useState<string | null>(null);

  const queryInput = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  // "/" jumps to the query box from anywhere but a text field (checkboxes and rows included), unless
  // the drawer or a dialog has the focus.
  const overlayOpen = useRef(false);
  // The shortcuts are shown only where there is likely a keyboard: not on a phone's width (the
  // breakpoint Mantine's "sm" starts at) nor on a touch screen without hover. They keep working
  // everywhere (a tablet with a keyboard attached).
  const showShortcuts = !useMediaQuery('(max-width: 47.99em), (hover: none)', false, { getInitialValueInEffect: false });
  useEffect(() => {
    overlayOpen.current = drawer !== null || saving !== null;
  }, [drawer, saving]);
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTextEntry(event.target)) return;
      if (overlayOpen.current) return;
      event.preventDefault();
      queryInput.current?.focus();
      queryInput.current?.select();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const onQueryKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && contacts.length > 0) {
      event.preventDefault();
      const index = activeIndex >= 0 ? activeIndex : 0;
      setActive({ key: searchKey, index });
      resultsRef.current?.querySelectorAll<HTMLElement>('[data-testid="result-row"]')[index]?.focus();
    } else if (event.key === 'Enter') {
      // Enter searches now instead of after the pause.
      searchDraft.flush();
    }
  };

  const stale = search.isPlaceholderData && search.isFetching;

  return (
    <Stack gap="md">
      <PageHeader
        title="Search"
        description="Find people by name, title or company, then narrow down with filters."
        actions={<SearchQuotaBadge />}
      />
      <WorkspaceLayout
        sidebarLabel="Filters"
        activeCount={activeFilterCount(state.filters)}
        sidebar={
          <Card withBorder padding="sm">
            <SearchFilters
              filters={state.filters}
              facets={first?.facets}
              onChange={(filters: Filters) => update({ filters })}
              canExcludeSaved={canReadSaved}
            />
          </Card>
        }
      >
          <Stack gap="sm">
            {/* The box takes the row and keeps room for its whole hint: on a phone the sort menu wraps under it. */}
            <Group gap="sm" align="flex-end" wrap="wrap" data-testid="search-query-row">
              <TextInput
                ref={queryInput}
                aria-label="Search contacts"
                placeholder="Search by name, title or company"
                style={{ flex: '1 1 260px' }}
                leftSection={<IconSearch size={16} aria-hidden />}
                rightSection={
                  draft ? (
                    <CloseButton
                      size="sm"
                      aria-label="Clear the query"
                      onClick={() => {
                        setDraft('');
                        searchDraft('');
                        queryInput.current?.focus();
                      }}
                    />
                  ) : showShortcuts ? (
                    <Kbd size="xs" data-testid="search-shortcut-hint">
                      /
                    </Kbd>
                  ) : null
                }
                value={draft}
                onChange={(e) => {
                  // The server's limit on a query (SearchRequest.query), in characters once trimmed.
                  const query = capped(e.currentTarget.value, 200);
                  setDraft(query);
                  searchDraft(query);
                }}
                onKeyDown={onQueryKeyDown}
                autoFocus
                data-testid="search-query"
              />
              <Select
                aria-label="Sort by"
                w={170}
                data={sortOptions}
                value={state.sort}
                onChange={(value) => value && update({ sort: value })}
                allowDeselect={false}
              />
            </Group>

            <Group justify="space-between" gap="sm" mih={30}>
              <Group gap="xs">
                {first && (
                  <Text size="sm" fw={500} data-testid="search-total">
                    {formatTotal(first.total, { capped: first.total_is_capped, estimate: first.total_is_estimate })}{' '}
                    {first.total === 1 && !first.total_is_capped ? 'contact' : 'contacts'}
                  </Text>
                )}
                {first && contacts.length > 0 && (
                  <Text size="xs" c="dimmed">
                    {formatNumber(contacts.length)} loaded
                  </Text>
                )}
                {search.isFetching && !search.isFetchingNextPage && <Loader size="xs" aria-label="Searching" />}
              </Group>
              {canSave && selected.size > 0 && (
                <Group gap="xs">
                  <Text size="sm" data-testid="selection-count">
                    {formatNumber(selected.size)} selected
                  </Text>
                  <Button size="xs" variant="subtle" color="gray" onClick={() => setSelection({ key: searchKey, ids: new Set() })}>
                    Clear
                  </Button>
                  <Button
                    size="xs"
                    leftSection={<IconBookmarkPlus size={14} aria-hidden />}
                    onClick={() => setSaving([...selected])}
                  >
                    Save to list…
                  </Button>
                </Group>
              )}
            </Group>

            {!ready ? (
              <StartHint
                onPick={(example) => {
                  setDraft(example);
                  update({ query: example });
                }}
              />
            ) : search.isError && !search.isFetchNextPageError ? (
              isQuotaExceeded(search.error) ? (
                <QuotaExceededAlert error={search.error} />
              ) : (
                <ApiErrorAlert error={search.error} onRetry={() => void search.refetch()} />
              )
            ) : waitingForNetwork ? (
              <OfflineAlert>The search runs as soon as the connection is back.</OfflineAlert>
            ) : search.isPending ? (
              <Stack gap={6} aria-label="Loading results">
                {Array.from({ length: 8 }, (_, i) => (
                  <Skeleton key={i} height={28} />
                ))}
              </Stack>
            ) : contacts.length === 0 ? (
              <Card withBorder padding="lg">
                <Stack gap="xs" align="center">
                  <Text fw={500}>No contacts match.</Text>
                  <Text size="sm" c="dimmed">
                    Try a shorter query or fewer filters.
                  </Text>
                  {Object.keys(state.filters).length > 0 && (
                    <Button size="xs" variant="light" onClick={() => update({ filters: {} })}>
                      Clear filters
                    </Button>
                  )}
                </Stack>
              </Card>
            ) : (
              <Box ref={resultsRef} style={{ opacity: stale ? 0.6 : 1, transition: 'opacity 120ms' }} aria-busy={stale}>
                <ResultsTable
                  label="Search results"
                  contacts={contacts}
                  selected={selected}
                  onToggle={toggle}
                  onToggleAll={toggleAll}
                  activeIndex={activeIndex}
                  onActiveChange={(index) => setActive({ key: searchKey, index })}
                  onOpen={(contact: Contact) => setDrawer({ kind: 'contact', id: contact.id, placeholder: contact })}
                  selectable={canSave}
                  showSaved={canReadSaved}
                />
                <InfiniteFooter
                  query={search}
                  loadingLabel="Loading more results"
                  end={
                    <Text size="xs" c="dimmed">
                      {first?.total_is_capped || contacts.length >= maxPagedResults
                        ? `The first ${formatNumber(maxPagedResults)} results are shown: narrow the search to see the others.`
                        : 'End of results'}
                    </Text>
                  }
                  data-testid="results-end"
                />
              </Box>
            )}
            {ready && showShortcuts && (
              <Text size="xs" c="dimmed" data-testid="keyboard-hint">
                <Kbd size="xs">/</Kbd> search · <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> move ·{' '}
                <Kbd size="xs">Enter</Kbd> open
                {canSave && (
                  <>
                    {' '}
                    · <Kbd size="xs">Space</Kbd> select
                  </>
                )}
              </Text>
            )}
          </Stack>
      </WorkspaceLayout>

      <ContactDrawer
        view={drawer}
        onNavigate={setDrawer}
        onClose={() => setDrawer(null)}
        canSave={canSave}
        canCorrect={canCorrect}
        onSave={(contact) => setSaving([contact.id])}
      />
      <SaveToListModal
        opened={saving !== null}
        contactIds={saving ?? []}
        defaultListId={lastListId}
        onClose={() => setSaving(null)}
        onSaved={(list) => {
          if (list) setLastListId(list.id);
          if (saving && saving.length > 1) {
            setSelection({ key: searchKey, ids: new Set() });
            // Save to list… leaves with the selection: keyboard focus moves to the select-all box,
            // where the next pick starts, not to the top of the page.
            resultsRef.current?.querySelector<HTMLElement>('thead input[type="checkbox"]')?.focus();
          }
        }}
      />
    </Stack>
  );
}

function StartHint({ onPick }: { onPick: (example: string) => void }) {
  return (
    <Card withBorder padding="lg" data-testid="search-start">
      <Stack gap="xs">
        <Text fw={500}>What are you looking for?</Text>
        <Text size="sm" c="dimmed">
          Type a name, a job title or a company (typos are fine; quotes keep words together and in order, as in
          "head of sales"), or pick filters. Each new search uses one of your monthly searches; scrolling through
          its results is free.
        </Text>
        <Group gap="xs">
          {examples.map((example) => (
            <Button key={example} size="compact-sm" variant="light" onClick={() => onPick(example)}>
              {example}
            </Button>
          ))}
        </Group>
      </Stack>
    </Card>
  );
}

const textInputTypes = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number']);

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && textInputTypes.has(target.type);
}
