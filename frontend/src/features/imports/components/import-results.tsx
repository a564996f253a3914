import { Badge, Button, Group, List, Skeleton, Stack, Table, Tabs, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { Fragment, useState } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { Joined } from '@/components/text/joined';
import { formatNumber } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

import { useDownloadImportErrors } from '../api/download-import-errors';
import type { Import } from '../api/get-import';
import {
  useImportRecords,
  type ImportOutcome,
  type ImportRecord,
  type ImportRecordsView,
} from '../api/list-import-records';
import { fieldLabel, outcomes, warningVerb } from '../labels';
import { useImportScope } from '../scope';

/**
 * The contact a created or matched row became, as the record summarizes it now. Records carry the
 * summary so neither scope needs GET /contacts/{id} per row (platform staff often have no tenant
 * to read it in); a contact removed since shows as its id.
 */
function ContactCell({ record, dryRun }: { record: ImportRecord; dryRun: boolean }) {
  const c = record.contact;
  if (!c && dryRun && record.outcome === 'created') {
    // The id a dry run reserved names no contact: none was written.
    return (
      <Text size="sm" c="dimmed">
        New contact
      </Text>
    );
  }
  if (!c && dryRun && !record.contact_id) {
    // A dry run does not say which shared contact a row matched: that is paid for by importing it.
    return (
      <Text size="sm" c="dimmed">
        An existing contact (shown once imported)
      </Text>
    );
  }
  if (!c) {
    return (
      <Text size="sm" c="dimmed">
        {record.contact_id ?? '—'}
      </Text>
    );
  }
  const name = `${c.first_name} ${c.last_name}`.trim();
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        {name || c.email || record.contact_id}
      </Text>
      <Text size="xs" c="dimmed" data-testid="record-contact-details">
        <Joined parts={[c.email, c.company_name]} />
      </Text>
    </Stack>
  );
}

/**
 * The values a row was imported without, each with its field and why (the row's warnings): they
 * failed in fields the row did not need, so the contact was created or updated without them.
 */
function DroppedValues({ record }: { record: ImportRecord }) {
  if (record.warnings.length === 0) return null;
  return (
    <List size="sm" spacing={0} data-testid={`dropped-${record.row}`}>
      {record.warnings.map((warning, i) => (
        <List.Item key={i}>
          <Text size="sm" c="orange.8">
            {warning.field ? `${fieldLabel(warning.field)} ${warningVerb(warning.code)}: ` : ''}
            {warning.message}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}

const outcomeLabels = Object.fromEntries(outcomes.map((o) => [o.value, o.label])) as Record<ImportOutcome, string>;
const outcomeColors = Object.fromEntries(outcomes.map((o) => [o.value, o.color])) as Record<ImportOutcome, string>;

/**
 * An invalid row's cells as "Column: value · Column: value", each value in its own direction (a
 * file's Arabic or Hebrew company took the next column's name into its run).
 */
function InvalidValues({ values, columnNames }: { values: string[]; columnNames: string[] }) {
  const cells = values.map((value, i) => ({ value, name: columnNames[i] || `Column ${i + 1}` })).filter((cell) => cell.value.trim());
  if (cells.length === 0) return '(empty row)';
  return cells.map((cell, i) => (
    <Fragment key={i}>
      {i > 0 && ' · '}
      {cell.name}: <bdi>{cell.value}</bdi>
    </Fragment>
  ));
}

function Errors({ record }: { record: ImportRecord }) {
  return (
    <List size="sm" spacing={0}>
      {record.errors.map((error, i) => (
        <List.Item key={i}>
          <Text size="sm" c="red">
            {error.message}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}

/**
 * The columns after the row's number, by tab: the table's cells and each phone card's list. A tab
 * lists the rows of one outcome, and the rows with warnings of any.
 */
function recordColumns(view: ImportRecordsView, columnNames: string[], dryRun: boolean): Column<ImportRecord>[] {
  const sameAs = (record: ImportRecord) => `Same as row ${record.duplicate_of ?? '—'}`;
  switch (view) {
    case 'with_warnings':
      return [
        {
          label: 'Outcome',
          value: (record) => (
            <Stack gap={2}>
              <Text size="sm">{outcomeLabels[record.outcome]}</Text>
              {record.outcome === 'duplicate' ? (
                <Text size="xs" c="dimmed">
                  {sameAs(record)}
                </Text>
              ) : (
                <ContactCell record={record} dryRun={dryRun} />
              )}
            </Stack>
          ),
        },
        { label: 'Warnings', value: (record) => <DroppedValues record={record} /> },
      ];
    case 'invalid':
      return [
        {
          label: 'Values',
          value: (record) => (
            <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid={`invalid-values-${record.row}`}>
              <InvalidValues values={record.values ?? []} columnNames={columnNames} />
            </Text>
          ),
        },
        { label: 'Errors', value: (record) => <Errors record={record} /> },
      ];
    case 'duplicate':
      return [{ label: 'Duplicate of', value: sameAs }];
    default: {
      const contact: Column<ImportRecord> = {
        label: 'Contact',
        value: (record) => (
          <Stack gap={2}>
            <ContactCell record={record} dryRun={dryRun} />
            <DroppedValues record={record} />
          </Stack>
        ),
      };
      if (view !== 'matched') return [contact];
      return [
        contact,
        {
          label: 'Change',
          value: (record) => (record.updated ? <Badge variant="light">Updated</Badge> : <Text size="sm">Unchanged</Text>),
        },
      ];
    }
  }
}

function RecordsTable({
  id,
  view,
  columnNames,
  dryRun,
}: {
  id: string;
  view: ImportRecordsView;
  columnNames: string[];
  dryRun: boolean;
}) {
  const records = useImportRecords(useImportScope(), id, view);
  const phone = usePhone();
  if (records.isPending) return <Skeleton height={120} aria-label="Loading rows" />;
  if (records.isError) return <ApiErrorAlert error={records.error} onRetry={() => void records.refetch()} />;
  const items = records.data.pages.flatMap((p) => p.items);
  const what = view === 'with_warnings' ? 'rows with warnings' : `${view} rows`;
  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md" data-testid="records-empty">
        No {what}.
      </Text>
    );
  }
  const columns = recordColumns(view, columnNames, dryRun);
  return (
    <Stack gap="sm">
      {phone ? (
        // The 560px table put a row's contact, warnings or errors past the edge of 375 px.
        <Stack gap="sm" data-testid={`records-${view}`}>
          {items.map((record) => (
            <RowCard key={record.row} label={`Row ${record.row}`} data-testid="import-record">
              <Group gap="xs" justify="space-between" wrap="nowrap">
                <Text size="sm" fw={500}>
                  Row {record.row}
                </Text>
                <Badge variant="light" color={outcomeColors[record.outcome]} data-testid="record-outcome">
                  {outcomeLabels[record.outcome]}
                </Badge>
              </Group>
              <ColumnList columns={columns} item={record} labelWidth="30%" mt="xs" />
            </RowCard>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={6} aria-label={what} data-testid={`records-${view}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Row</Table.Th>
                <ColumnHeaders columns={columns} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((record) => (
                <Table.Tr key={record.row}>
                  <Table.Td>{record.row}</Table.Td>
                  <ColumnCells columns={columns} item={record} />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {records.hasNextPage && (
        <Group>
          <Button variant="default" size="xs" loading={records.isFetchingNextPage} onClick={() => void records.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/**
 * The outcome of every row, one tab per outcome (and one for the rows imported without some of
 * their values, when there are any), and the error report of the invalid rows and the dropped
 * values: of a finished import, or of a dry run (whose new contacts are not written, so they show
 * as new).
 */
export function ImportResults({ imp }: { imp: Import }) {
  const [tab, setTab] = useState<ImportRecordsView>(() =>
    imp.counts.created > 0 || imp.counts.invalid === 0 ? 'created' : 'invalid',
  );
  const download = useDownloadImportErrors(useImportScope());
  const columnNames = imp.columns.map((c) => c.name);
  const views: { value: ImportRecordsView; label: string; count: number }[] = outcomes.map((o) => ({
    value: o.value,
    label: o.label,
    count: imp.counts[o.value],
  }));
  if (imp.counts.with_warnings > 0) {
    views.push({ value: 'with_warnings', label: 'With warnings', count: imp.counts.with_warnings });
  }
  return (
    <Stack gap="sm" data-testid="import-results">
      <Group justify="space-between">
        <Text fw={600}>Rows by outcome</Text>
        <Button
          variant="default"
          leftSection={<IconDownload size={16} />}
          disabled={imp.counts.invalid === 0 && imp.counts.with_warnings === 0}
          loading={download.isPending}
          onClick={() => download.mutate(imp.id)}
        >
          Download error report
        </Button>
      </Group>
      {download.isError && <ApiErrorAlert error={download.error} />}
      <Tabs value={tab} onChange={(value) => value && setTab(value as ImportRecordsView)} keepMounted={false}>
        <Tabs.List>
          {views.map((v) => (
            <Tabs.Tab key={v.value} value={v.value}>
              {v.label} ({formatNumber(v.count)})
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {views.map((v) => (
          <Tabs.Panel key={v.value} value={v.value} pt="sm">
            <RecordsTable id={imp.id} view={v.value} columnNames={columnNames} dryRun={imp.dry_run} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
