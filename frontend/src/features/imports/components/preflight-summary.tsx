import { Alert, Badge, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';

import { Fact } from '@/components/text/fact';
import { formatBytes, formatNumber } from '@/lib/format';

import type { Import } from '../api/get-import';
import { delimiterLabel, encodingLabel, encodings, lineEndingLabel } from '../labels';

/** What the preflight says of a workbook's formula cells that hold no result (read as empty or 0). */
function formulasWithoutResult(count: number, first: string): string {
  const cells = count === 1 ? '1 cell of the sheet' : `${formatNumber(count)} cells of the sheet`;
  const hold = count === 1 ? 'holds a formula' : 'hold formulas';
  const read = count === 1 ? 'it reads' : 'they read';
  return (
    `${cells} (the first: ${first}) ${hold} whose result the program that wrote the file did not compute, ` +
    `so ${read} as empty or 0. Open the workbook in Excel or LibreOffice, save it, and upload it again.`
  );
}

type PreflightSummaryProps = {
  imp: Import;
  /**
   * Reads the file in another encoding (PUT mapping with `encoding`; the answer brings the new
   * columns and preview). Without it, or for a workbook (stored as UTF-8), the encoding is shown as text.
   */
  onEncodingChange?: (encoding: Import['encoding']) => void;
  /** The encoding being saved, shown until the server answers. */
  encoding?: Import['encoding'];
  disabled?: boolean;
  /** The server's word on the encoding (422 naming `encoding`). */
  encodingError?: string;
};

/**
 * What the server found in the file: format, encoding, delimiter, line endings (a workbook: the sheet
 * read, whether it has others, and formulas whose results the file does not hold), rows, columns, rows above the table. The encoding of a CSV file can be changed: when names show as "£ukasz" the
 * detected one was wrong, and the preview below comes back read in the chosen one.
 */
export function PreflightSummary({ imp, onEncodingChange, encoding, disabled = false, encodingError }: PreflightSummaryProps) {
  const choosable = onEncodingChange !== undefined && imp.format === 'csv';
  return (
    <Stack gap="sm" data-testid="preflight-summary">
      <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
        <Fact label="File" testId="preflight-file">{`${imp.file_name} (${formatBytes(imp.file_bytes)})`}</Fact>
        {choosable ? (
          <Select
            label="Encoding"
            size="xs"
            data-testid="preflight-encoding-select"
            data={encodings}
            value={encoding ?? imp.encoding}
            allowDeselect={false}
            disabled={disabled}
            error={encodingError}
            comboboxProps={{ width: 260, position: 'bottom-start' }}
            onChange={(value) => {
              const next = encodings.find((e) => e.value === value)?.value;
              if (next && next !== imp.encoding) onEncodingChange(next);
            }}
          />
        ) : (
          <Fact label="Encoding" testId="preflight-encoding">{encodingLabel(imp.encoding)}</Fact>
        )}
        <Fact label="Delimiter" testId="preflight-delimiter">{imp.format === 'xlsx' ? 'XLSX' : delimiterLabel(imp)}</Fact>
        {imp.format === 'xlsx' && imp.sheet !== '' ? (
          <Fact label="Sheet" testId="preflight-sheet">{imp.sheet}</Fact>
        ) : (
          <Fact label="Line endings" testId="preflight-line-endings">{lineEndingLabel(imp.line_ending)}</Fact>
        )}
        <Fact label="Rows" testId="preflight-rows">{formatNumber(imp.row_count)}</Fact>
        <Fact label="Columns" testId="preflight-columns">{formatNumber(imp.columns.length)}</Fact>
      </SimpleGrid>
      {imp.skipped_rows > 0 && (
        <Text size="sm" c="dimmed" data-testid="preflight-skipped-rows">
          {imp.skipped_rows === 1
            ? 'Row 1 is above the table (a title, notes or Excel’s “sep=” line) and is not imported.'
            : `Rows 1–${formatNumber(imp.skipped_rows)} are above the table (a title, notes or Excel’s “sep=” line) and are not imported.`}
        </Text>
      )}
      {imp.format === 'xlsx' && imp.sheet !== '' && imp.sheet_count > 1 && (
        <Text size="sm" c="dimmed" data-testid="preflight-other-sheets">
          The workbook has {formatNumber(imp.sheet_count)} sheets; only “<bdi>{imp.sheet}</bdi>” is imported.
        </Text>
      )}
      {imp.formulas_without_result > 0 && (
        <Alert color="orange" variant="light" title="Formulas without results" data-testid="preflight-formulas">
          {formulasWithoutResult(imp.formulas_without_result, imp.first_formula_without_result)}
        </Alert>
      )}
      {choosable && (
        <Text size="xs" c="dimmed">
          Names look wrong (“£ukasz” for “Łukasz”, “Èâàí” for “Иван”)? Choose the encoding the file was saved in; the
          columns and the preview below are read again.
        </Text>
      )}
      <Group gap={6} data-testid="preflight-columns-list">
        {imp.columns.map((column) => (
          <Badge key={column.index} variant="light" color="gray" tt="none">
            {column.name || `Column ${column.index + 1}`}
          </Badge>
        ))}
      </Group>
    </Stack>
  );
}
