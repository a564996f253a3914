import { Anchor, Button, Card, Group, Skeleton, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { usePermissions } from '@/lib/auth/permissions';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';

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

/**
 * /imports (tenant) and /admin/imports (platform): the import history, newest first, and "New
 * import" for those who may write, who can also discard (with confirm) each import that never ran.
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
            <Table.ScrollContainer minWidth={800}>
              <Table verticalSpacing="xs" aria-label="Import history">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>File</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Rows</Table.Th>
                    <Table.Th>Outcomes</Table.Th>
                    <Table.Th>Started</Table.Th>
                    <Table.Th>Finished</Table.Th>
                    {canWrite && (
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((imp) => (
                    <Table.Tr key={imp.id}>
                      <Table.Td>
                        {/* A file name is often one long word (export_from_salesforce_all_regions_…): cut
                            on one line with the whole name on hover, or it pushed every other column
                            out of sight. */}
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
                      </Table.Td>
                      <Table.Td>
                        <ImportStatusBadge imp={imp} />
                      </Table.Td>
                      <Table.Td>
                        {imp.status === 'running'
                          ? `${formatNumber(imp.progress.rows_done)} / ${formatNumber(imp.row_count)}`
                          : formatNumber(imp.row_count)}
                      </Table.Td>
                      <Table.Td>
                        <Counts imp={imp} />
                      </Table.Td>
                      <Table.Td>{formatDateTime(imp.started_at)}</Table.Td>
                      <Table.Td>{formatDateTime(imp.finished_at)}</Table.Td>
                      {canWrite && (
                        <Table.Td>
                          {isImportDiscardable(imp) && (
                            <Button
                              variant="subtle"
                              color="red"
                              size="xs"
                              leftSection={<IconTrash size={14} />}
                              aria-label={`Discard ${imp.file_name}`}
                              onClick={() => setDiscarding({ imp, opened: true })}
                            >
                              Discard
                            </Button>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
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
