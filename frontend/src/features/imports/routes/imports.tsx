import { Anchor, Button, Card, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ActionsHeader, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { PageHeader } from '@/components/layout/page-header';
import { RowCard } from '@/components/layout/row-card';
import { usePermissions } from '@/lib/auth/permissions';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { usePhone } from '@/lib/use-phone';

import { isImportDiscardable } from '../api/delete-import';
import { useImports, type ImportSummary } from '../api/list-imports';
import { DiscardImportModal } from '../components/discard-import-modal';
import { ImportStatusBadge } from '../components/import-status-badge';
import { ImportScopeContext, importScopes, type ImportScope } from '../scope';

function Counts({ imp }: { imp: ImportSummary }) {
  const c = imp.counts;
  if (imp.status === 'uploaded') return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Text size="xs">
      {formatNumber(c.created)} created · {formatNumber(c.matched)} matched · {formatNumber(c.duplicate)} duplicate ·{' '}
      {formatNumber(c.invalid)} invalid
    </Text>
  );
}

/** The columns after the file: the table's cells and each phone card's list. */
const columns: Column<ImportSummary>[] = [
  { label: 'Status', value: (imp) => <ImportStatusBadge imp={imp} /> },
  {
    label: 'Rows',
    value: (imp) =>
      imp.status === 'running'
        ? `${formatNumber(imp.progress.rows_done)} / ${formatNumber(imp.row_count)}`
        : formatNumber(imp.row_count),
  },
  { label: 'Outcomes', value: (imp) => <Counts imp={imp} /> },
  { label: 'Started', value: (imp) => formatDateTime(imp.started_at) },
  { label: 'Finished', value: (imp) => formatDateTime(imp.finished_at) },
];

/** The import's file name, which opens it. */
function FileLink({ imp, basePath }: { imp: ImportSummary; basePath: string }) {
  // A file name is often one long word (export_from_salesforce_all_regions_…): cut on one line
  // with the whole name on hover, or it pushed every other column out of sight.
  return (
    <Anchor
      component={Link}
      to={`${basePath}/${imp.id}`}
      size="sm"
      display="block"
      maw={320}
      truncate="end"
      title={imp.file_name}
      data-testid="import-history-file"
    >
      {imp.file_name}
    </Anchor>
  );
}

function DiscardButton({ imp, onDiscard }: { imp: ImportSummary; onDiscard: (imp: ImportSummary) => void }) {
  return (
    <Button
      variant="subtle"
      color="red"
      size="xs"
      leftSection={<IconTrash size={14} />}
      aria-label={`Discard ${imp.file_name}`}
      onClick={() => onDiscard(imp)}
    >
      Discard
    </Button>
  );
}

/**
 * /imports (tenant) and /admin/imports (platform): the import history, newest first, and "New
 * import" for those who may write, who can also discard (with confirm) each import that never ran.
 * On a phone a card per import: the 800px table put its outcomes, dates and Discard past the edge.
 */
export function ImportsRoute({ scope = 'tenant' }: { scope?: ImportScope }) {
  const { basePath, writePermission, titles, documentSuffix, description } = importScopes[scope];
  useDocumentTitle(titles.list + documentSuffix);
  const { has } = usePermissions();
  const imports = useImports(scope);
  const items = imports.data?.pages.flatMap((p) => p.items) ?? [];
  const canWrite = has(writePermission);
  // The row whose Discard was clicked; it stays while the modal closes.
  const [discarding, setDiscarding] = useState<{ imp: ImportSummary; opened: boolean } | null>(null);
  const closeDiscard = () => setDiscarding((d) => d && { ...d, opened: false });
  const discard = (imp: ImportSummary) => setDiscarding({ imp, opened: true });
  const phone = usePhone();

  return (
    <Stack gap="lg" maw={1400}>
      <PageHeader
        title={titles.list}
        description={description}
        actions={
          canWrite && (
            <Button component={Link} to={`${basePath}/new`} leftSection={<IconPlus size={16} />}>
              New import
            </Button>
          )
        }
      />
      <Card withBorder padding="md">
        {imports.isPending ? (
          <Skeleton height={120} aria-label="Loading imports" />
        ) : imports.isError ? (
          <ApiErrorAlert error={imports.error} onRetry={() => void imports.refetch()} />
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="imports-empty">
            No imports yet.
          </Text>
        ) : (
          <Stack gap="sm">
            {phone ? (
              <Stack gap="sm" data-testid="import-history-cards">
                {items.map((imp) => (
                  <RowCard key={imp.id} label={imp.file_name}>
                    <FileLink imp={imp} basePath={basePath} />
                    <ColumnList columns={columns} item={imp} labelWidth="35%" mt="xs" />
                    {canWrite && isImportDiscardable(imp) && (
                      <Group gap="xs" mt="xs">
                        <DiscardButton imp={imp} onDiscard={discard} />
                      </Group>
                    )}
                  </RowCard>
                ))}
              </Stack>
            ) : (
              <Table.ScrollContainer minWidth={800}>
                <Table verticalSpacing="xs" aria-label="Import history">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>File</Table.Th>
                      <ColumnHeaders columns={columns} />
                      {canWrite && (
                        <ActionsHeader />
                      )}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((imp) => (
                      <Table.Tr key={imp.id}>
                        <Table.Td>
                          <FileLink imp={imp} basePath={basePath} />
                        </Table.Td>
                        <ColumnCells columns={columns} item={imp} />
                        {canWrite && (
                          <Table.Td>{isImportDiscardable(imp) && <DiscardButton imp={imp} onDiscard={discard} />}</Table.Td>
                        )}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            {imports.hasNextPage && (
              <Group>
                <Button
                  variant="default"
                  size="xs"
                  loading={imports.isFetchingNextPage}
                  onClick={() => void imports.fetchNextPage()}
                >
                  Load more
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </Card>
      {discarding && (
        <ImportScopeContext value={scope}>
          <DiscardImportModal
            imp={discarding.imp}
            opened={discarding.opened}
            onClose={closeDiscard}
            onDiscarded={closeDiscard}
          />
        </ImportScopeContext>
      )}
    </Stack>
  );
}
